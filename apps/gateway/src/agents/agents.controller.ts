import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  AgentExecuteResponseDto,
  AgentInfoDto,
  CodeReportDto,
  CodeReviewDto,
  ExecuteAgentDto,
  FileAnalysisDto,
  ScheduledTaskDto,
  ScheduleTaskInputDto,
  TaskRunDto,
  UserTaskParams,
} from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ReadUpload, Uploaded } from '../common/request-params.decorators';
import { UserIdParam } from '../common/user-id.param';
import { fileUpload, type UploadedFile } from './agent-upload';
import { FileAnalyzeQueryDto, TaskRunsQueryDto } from './agents-params.dto';
import { AgentsService } from './agents.service';

const BAD_INPUT = 'A field is missing or invalid, or the task is unknown (the message lists the valid ones); the message names the field.';

@ApiTags('agents')
@ApiBearerAuth()
@ApiExtraModels(TaskRunDto)
@Controller('agent')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('execute')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run one agent task: { task, data } as in GET /agent/list; answers { agent, task, result }.',
    description: 'Task names are snake_case; the seed\'s kebab-case (review-code) works too. Scheduling: task "schedule_task".',
  })
  @ApiOkResponse({ type: AgentExecuteResponseDto })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiForbiddenResponse({ description: 'user_id is not yours, or (scan_directory) the path leaves the workspace.' })
  execute(@Body() dto: ExecuteAgentDto, @CurrentUser() user: AuthUser) {
    return this.agents.execute(user, dto);
  }

  @Get('list')
  @ApiOperation({ summary: "The agents, their tasks and each task's input schema." })
  @ApiOkResponse({ type: [AgentInfoDto] })
  list() {
    return this.agents.list();
  }

  @Post('code-review')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Static findings (tree-sitter) for Python, JavaScript, TypeScript, Go or Java, plus LLM review comments kept apart in llm_review.',
    description: 'When the LLM is unavailable the static findings come alone with llm: { available: false, reason }.',
  })
  @ApiOkResponse({ type: CodeReportDto })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiPayloadTooLargeResponse({ description: 'code is longer than MAX_CODE_CHARS.' })
  codeReview(@Body() dto: CodeReviewDto, @CurrentUser() user: AuthUser) {
    return this.agents.codeReview(user, dto);
  }

  @Post('file-analyze')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        user_id: { type: 'string', description: 'before the file part' },
        llm: { type: 'boolean' },
      },
    },
  })
  @ApiOperation({
    summary: 'Analyse an uploaded file: type from its bytes, text/CSV/JSON/PDF/image (EXIF)/ZIP details, then an LLM summary.',
    description: 'ZIP entries are listed, never extracted; entries such as ../evil are flagged in unsafe_entries.',
  })
  @ApiOkResponse({ type: FileAnalysisDto })
  @ApiBadRequestResponse({ description: 'No file, an empty file, or not multipart/form-data.' })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than AGENTS_MAX_UPLOAD_BYTES.' })
  @ReadUpload(fileUpload)
  fileAnalyze(@CurrentUser() user: AuthUser, @Uploaded() file: UploadedFile, @Query() query: FileAnalyzeQueryDto) {
    return this.agents.analyzeUpload(user, file, query);
  }

  @Post('tasks/:user_id')
  @ApiOperation({ summary: 'Schedule an agent task or a chat prompt (cron, every_ms or delay_ms); same as task "schedule_task".' })
  @ApiCreatedResponse({ type: ScheduledTaskDto })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  schedule(@Param() p: UserIdParam, @Body() dto: ScheduleTaskInputDto, @CurrentUser() user: AuthUser) {
    return this.agents.schedule(user, p.user_id, dto);
  }

  @Get('tasks/:user_id')
  @ApiOperation({ summary: "The user's scheduled tasks: schedule, status, next run, run count." })
  @ApiOkResponse({ type: [ScheduledTaskDto] })
  tasks(@Param() p: UserIdParam, @CurrentUser() user: AuthUser) {
    return this.agents.tasks(user, p.user_id);
  }

  @Delete('tasks/:user_id/:task_id')
  @ApiOperation({ summary: 'Cancel a scheduled task; its kept runs stay listable.' })
  @ApiOkResponse({ type: ScheduledTaskDto })
  @ApiNotFoundResponse({ description: 'No such task for this user.' })
  cancel(@Param() p: UserTaskParams, @CurrentUser() user: AuthUser) {
    return this.agents.cancel(user, p.user_id, p.task_id);
  }

  @Get('tasks/:user_id/:task_id/runs')
  @ApiOperation({ summary: "A task's kept runs, newest first (at most TASK_RESULTS_KEEP)." })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { task_id: { type: 'string' }, runs: { type: 'array', items: { $ref: '#/components/schemas/TaskRunDto' } } },
    },
  })
  @ApiNotFoundResponse({ description: 'No such task for this user.' })
  runs(@Param() p: UserTaskParams, @Query() q: TaskRunsQueryDto, @CurrentUser() user: AuthUser) {
    return this.agents.runs(user, p.user_id, p.task_id, q.limit);
  }
}
