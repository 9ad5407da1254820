import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { ReviewEngineInfoDto } from './lint.dto';

/** Task names are snake_case; the seed's kebab-case spelling (`review-code`) is accepted too. */
export const TASK_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

export class ExecuteAgentDto {
  @ApiProperty({
    example: 'review_code',
    description: 'A task from GET /agent/list (e.g. analyze_code, review_code, scan_directory, schedule_task).',
  })
  @IsString()
  @Matches(TASK_NAME_PATTERN, { message: 'task must be a task name from GET /agent/list, e.g. "review_code"' })
  task!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { code: "def hello(): print('hi')", language: 'python' },
    description: "The task's input; its schema is in GET /agent/list.",
  })
  @IsOptional()
  @IsObject({ message: 'data must be a JSON object' })
  data?: Record<string, unknown>;

  @ApiPropertyOptional({
    pattern: ID_PATTERN.source,
    example: 'alice',
    description: "Whose task this is (scheduled tasks belong to it); the caller's own id when omitted.",
  })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id?: string;
}

export class AgentExecuteResponseDto {
  @ApiProperty({ example: 'CodeAssistantAgent' })
  agent!: string;
  @ApiProperty({ example: 'review_code' })
  task!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The task's result." })
  result!: unknown;
}

export class AgentTaskInfoDto {
  @ApiProperty({ example: 'review_code' })
  name!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of `data` for this task.' })
  input_schema!: Record<string, unknown>;
  @ApiProperty({ description: 'Whether schedule_task may run this task on a schedule.' })
  schedulable!: boolean;
}

export class AgentInfoDto {
  @ApiProperty({ example: 'CodeAssistantAgent' })
  name!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ type: [AgentTaskInfoDto] })
  tasks!: AgentTaskInfoDto[];
  @ApiPropertyOptional({
    type: [ReviewEngineInfoDto],
    description: 'Static-analysis engines the agent runs, with their rule sets (CodeAssistantAgent).',
  })
  engines?: ReviewEngineInfoDto[];
}

/** What the gateway sends for agents.execute: the task, its data, and whose request it is. */
export interface AgentExecuteCommand {
  task: string;
  data: Record<string, unknown>;
  user_id: string;
}
