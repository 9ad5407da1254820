import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { AgentsEnv } from '@nitro/config';
import { cutCodePoints, ERROR_CODE, exceedsCodePoints, isRpcErrorPayload } from '@nitro/contracts';
import { counter, getLogger } from '@nitro/observability';
import { chargeUser, REDIS_CLIENT, ServiceError } from '@nitro/service-kit';
import { LlmClient } from '../llm/llm.client';
import { AgentRegistry } from '../registry/agent-registry.service';
import { RunJobData, ScheduledTaskRecord, TaskRun } from './scheduled-task.types';
import { TaskStore } from './task-store.repository';

export const REPLICA_ID = `${hostname()}:${process.pid}`;
const duplicates = counter('nitro_agents_duplicate_ticks_total', 'Scheduled ticks delivered again after they had run (skipped)');
const ran = counter('nitro_agents_scheduled_runs_total', 'Scheduled runs by outcome', ['status']);

/** Runs one tick of a scheduled task and records the outcome; a failed run is recorded, never retried. */
@Injectable()
export class TaskRunner {
  constructor(
    private readonly store: TaskStore,
    private readonly registry: AgentRegistry,
    private readonly llm: LlmClient,
    private readonly env: AgentsEnv,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Returns false when the task is gone or cancelled (the caller then drops its schedule). */
  async run(job: RunJobData, tick: number): Promise<boolean> {
    const task = await this.store.get(job.user_id, job.task_id);
    if (!task || task.status !== 'active') return false;
    if (!(await this.store.claimTick(job.user_id, job.task_id, tick, this.env.TASK_RESULTS_TTL_S))) {
      duplicates.inc();
      getLogger().warn({ task_id: job.task_id, tick }, 'tick already ran; skipped');
      return true;
    }
    const started = new Date();
    const skipped = await this.overBudget(task);
    const outcome = skipped
      ? { status: 'skipped' as const, error: skipped }
      : await this.execute(task).then(
          (result) => ({ status: 'ok' as const, ...this.cap(result) }),
          (err) => ({ status: 'error' as const, error: this.describe(err) }),
        );
    const run: TaskRun = {
      tick_at: new Date(tick).toISOString(),
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
      replica: REPLICA_ID,
      ...outcome,
    };
    await this.store.addRun(job.user_id, job.task_id, run, this.env.TASK_RESULTS_KEEP, this.env.TASK_RESULTS_TTL_S);
    ran.inc({ status: run.status });
    if ('delay_ms' in task.schedule) await this.store.save({ ...task, status: 'done', updated_at: run.finished_at });
    return true;
  }

  /**
   * Charges the run to its owner's budget (the gateway's counters: chat for a prompt, agents for a task);
   * returns why it is skipped when over it. Redis failing here fails the run's charge open, like the gateway.
   */
  private async overBudget(task: ScheduledTaskRecord): Promise<TaskRun['error'] | undefined> {
    if (!this.env.RATE_LIMIT_ENABLED) return undefined;
    const [cls, limit] = 'prompt' in task.action ? ['chat', this.env.RATE_LIMIT_CHAT] : ['agents', this.env.RATE_LIMIT_AGENTS];
    const charge = await chargeUser(this.redis, cls, task.user_id, limit, this.env.RATE_LIMIT_WINDOW_S).catch(() => undefined);
    if (!charge || charge.allowed) return undefined;
    return {
      status: 429,
      code: ERROR_CODE.RATE_LIMITED,
      message: `skipped: ${task.user_id} is over the ${cls} budget (${limit} per ${this.env.RATE_LIMIT_WINDOW_S} s, shared with their requests); the next tick runs once it resets in ${charge.resetS} s`,
    };
  }

  private async execute(task: ScheduledTaskRecord): Promise<unknown> {
    if ('prompt' in task.action) {
      const answer = await this.llm.complete({
        prompt: task.action.prompt,
        system: 'You are a helpful assistant.',
        user_id: task.user_id,
        max_tokens: this.env.LLM_MAX_TOKENS,
        timeout_ms: this.env.LLM_TIMEOUT_MS,
      });
      return { response: answer.text, ai_model: answer.ai_model, ai_source: answer.ai_source };
    }
    return (await this.registry.execute({ task: task.action.task, data: task.action.data, user_id: task.user_id }, 'schedule')).result;
  }

  /** Results are kept in Redis: anything larger than TASK_RESULT_MAX_CHARS is cut, and says so. */
  private cap(result: unknown): { result: unknown; truncated?: boolean } {
    const json = JSON.stringify(result ?? null);
    if (!exceedsCodePoints(json, this.env.TASK_RESULT_MAX_CHARS)) return { result: result ?? null };
    return { result: cutCodePoints(json, this.env.TASK_RESULT_MAX_CHARS), truncated: true };
  }

  private describe(err: unknown): { status: number; code: string; message: string } {
    if (err instanceof ServiceError) return { status: err.status, code: err.code, message: err.message };
    if (isRpcErrorPayload(err)) return { status: err.status, code: err.code, message: err.message };
    const e = err as { code?: string; status?: number; message?: string; name?: string };
    getLogger().warn({ err }, 'scheduled run failed');
    return {
      status: typeof e?.status === 'number' ? e.status : 500,
      code: e?.code ?? e?.name ?? 'INTERNAL',
      message: e?.message ?? 'run failed',
    };
  }
}
