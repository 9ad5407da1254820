import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AgentExecuteCommand, AgentExecuteResponseDto, AgentInfoDto, AGENTS_CLIENT, AGENTS_PATTERNS, AGENT_TASKS, agentUploadKey, CodeReportDto, CodeReviewDto, ExecuteAgentDto, FileAnalysisDto, ID_MESSAGE, ID_PATTERN, ScheduledTaskDto, ScheduleTaskInputDto, TaskRunDto } from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { AuthUser, assertCanAccess } from '../auth/auth-user';
import { call } from '../services/service-call';
import { readUpload } from './agent-upload';
import { FileAnalyzeQueryDto } from './agents-params.dto';

/** The agent routes at the edge: who may act for whom, uploads parked in Redis, then the agents service. */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(AGENTS_CLIENT) private readonly agents: ClientProxy,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly env: GatewayEnv,
  ) {}

  list(): Promise<AgentInfoDto[]> {
    return call(this.agents, AGENTS_PATTERNS.list, {});
  }

  execute(dto: ExecuteAgentDto, user: AuthUser): Promise<AgentExecuteResponseDto> {
    return this.run(dto.task, dto.data ?? {}, this.owner(user, dto.user_id));
  }

  async codeReview(dto: CodeReviewDto, user: AuthUser): Promise<CodeReportDto> {
    const { user_id, ...data } = dto;
    return (await this.run(AGENT_TASKS.reviewCode, { ...data }, this.owner(user, user_id))).result as CodeReportDto;
  }

  /** The bytes wait under a short-lived key (never inside a stream entry); the agents service GETDELs them. */
  async analyzeUpload(req: FastifyRequest, query: FileAnalyzeQueryDto, user: AuthUser): Promise<FileAnalysisDto> {
    const file = await readUpload(req, this.env.AGENTS_MAX_UPLOAD_BYTES);
    const userId = this.owner(user, query.user_id ?? this.field(file.fields.user_id));
    const llm = query.llm ?? (file.fields.llm === undefined ? undefined : file.fields.llm !== 'false');
    const uploadId = randomUUID();
    const key = agentUploadKey(userId, uploadId);
    await this.redis.set(key, file.bytes, 'EX', this.env.AGENTS_UPLOAD_TTL_S);
    try {
      const data = { upload_id: uploadId, ...(file.filename ? { filename: file.filename.slice(0, 255) } : {}), ...(llm === false ? { llm } : {}) };
      return (await this.run(AGENT_TASKS.analyzeFile, data, userId)).result as FileAnalysisDto;
    } finally {
      await this.redis.del(key).catch(() => undefined); // already taken when the service got it; otherwise do not wait for the TTL
    }
  }

  schedule(userId: string, dto: ScheduleTaskInputDto, user: AuthUser): Promise<ScheduledTaskDto> {
    return this.result(AGENT_TASKS.scheduleTask, { ...dto }, this.owner(user, userId));
  }

  tasks(userId: string, user: AuthUser): Promise<ScheduledTaskDto[]> {
    return this.result(AGENT_TASKS.listTasks, {}, this.owner(user, userId));
  }

  cancel(userId: string, taskId: string, user: AuthUser): Promise<ScheduledTaskDto> {
    return this.result(AGENT_TASKS.cancelTask, { task_id: taskId }, this.owner(user, userId));
  }

  runs(userId: string, taskId: string, limit: number | undefined, user: AuthUser): Promise<{ task_id: string; runs: TaskRunDto[] }> {
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
    if (!ID_PATTERN.test(value)) throw new BadRequestException({ error: 'VALIDATION_FAILED', message: `user_id ${ID_MESSAGE}` });
    return value;
  }
}
