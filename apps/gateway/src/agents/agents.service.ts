import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  AgentExecuteCommand,
  AGENT_UPLOADS,
  AgentExecuteResponseDto,
  AgentInfoDto,
  AGENTS_CLIENT,
  AGENTS_PATTERNS,
  AGENT_TASKS,
  CodeReportDto,
  CodeReviewDto,
  ExecuteAgentDto,
  FileAnalysisDto,
  ID_MESSAGE,
  ID_PATTERN,
  ScheduledTaskDto,
  ScheduleTaskInputDto,
  TaskRunDto,
  ERROR_CODE,
} from '@nitro/contracts';
import type { ClaimCheck } from '@nitro/transport';
import { AuthUser, assertCanAccess } from '../auth/auth-user';
import { call } from '../services/service-call';
import type { UploadedFile } from './agent-upload';
import { FileAnalyzeQueryDto } from './agents-params.dto';

/** The agent routes at the edge: who may act for whom, uploads beside the message (claim check), then the agents service. */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(AGENTS_CLIENT) private readonly agents: ClientProxy,
    @Inject(AGENT_UPLOADS) private readonly uploads: ClaimCheck,
  ) {}

  list(): Promise<AgentInfoDto[]> {
    return call(this.agents, AGENTS_PATTERNS.list, {});
  }

  execute(user: AuthUser, dto: ExecuteAgentDto): Promise<AgentExecuteResponseDto> {
    return this.run(dto.task, dto.data ?? {}, this.owner(user, dto.user_id));
  }

  async codeReview(user: AuthUser, dto: CodeReviewDto): Promise<CodeReportDto> {
    const { user_id, ...data } = dto;
    return (await this.run(AGENT_TASKS.reviewCode, { ...data }, this.owner(user, user_id))).result as CodeReportDto;
  }

  /** The bytes go beside the message (a claim check scoped to the owner); the agents service takes them once. */
  async analyzeUpload(user: AuthUser, file: UploadedFile, query: FileAnalyzeQueryDto): Promise<FileAnalysisDto> {
    const userId = this.owner(user, query.user_id ?? this.field(file.fields.user_id));
    const llm = query.llm ?? (file.fields.llm === undefined ? undefined : file.fields.llm !== 'false');
    const uploadId = await this.uploads.put(file.bytes, userId);
    try {
      const data = {
        upload_id: uploadId,
        ...(file.filename ? { filename: file.filename.slice(0, 255) } : {}),
        ...(llm === false ? { llm } : {}),
      };
      return (await this.run(AGENT_TASKS.analyzeFile, data, userId)).result as FileAnalysisDto;
    } finally {
      await this.uploads.drop(uploadId, userId).catch(() => undefined); // already taken when the service got it; otherwise do not wait for the TTL
    }
  }

  schedule(user: AuthUser, userId: string, dto: ScheduleTaskInputDto): Promise<ScheduledTaskDto> {
    return this.result(AGENT_TASKS.scheduleTask, { ...dto }, this.owner(user, userId));
  }

  tasks(user: AuthUser, userId: string): Promise<ScheduledTaskDto[]> {
    return this.result(AGENT_TASKS.listTasks, {}, this.owner(user, userId));
  }

  cancel(user: AuthUser, userId: string, taskId: string): Promise<ScheduledTaskDto> {
    return this.result(AGENT_TASKS.cancelTask, { task_id: taskId }, this.owner(user, userId));
  }

  runs(user: AuthUser, userId: string, taskId: string, limit: number | undefined): Promise<{ task_id: string; runs: TaskRunDto[] }> {
    return this.result(AGENT_TASKS.listRuns, { task_id: taskId, ...(limit ? { limit } : {}) }, this.owner(user, userId));
  }

  private run(task: string, data: Record<string, unknown>, user_id: string): Promise<AgentExecuteResponseDto> {
    const command: AgentExecuteCommand = { task, data, user_id };
    return call(this.agents, AGENTS_PATTERNS.execute, command);
  }

  private async result<T>(task: string, data: Record<string, unknown>, userId: string): Promise<T> {
    return (await this.run(task, data, userId)).result as T;
  }

  /** Acting for someone else needs admin; with no user_id given, the caller acts for themselves. */
  private owner(user: AuthUser, userId?: string): string {
    const id = userId ?? user?.id;
    assertCanAccess(user, id);
    return id;
  }

  private field(value?: string): string | undefined {
    if (value === undefined) return undefined;
    if (!ID_PATTERN.test(value)) throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: `user_id ${ID_MESSAGE}` });
    return value;
  }
}
