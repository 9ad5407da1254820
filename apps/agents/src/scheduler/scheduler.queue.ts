import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AgentsEnv, redisTopology } from '@nitro/config';
import { AGENTS_QUEUE_PREFIX, AGENTS_QUEUES } from '@nitro/contracts';
import { getLogger, gauge } from '@nitro/observability';
import { createBullmqConnection } from '@nitro/transport';
import { onceJobId, RunJobData, schedulerId, TaskSchedule } from './scheduled-task.types';
import { TaskRunner } from './task-runner.service';

const CLOSE_GRACE_MS = 10_000;
const depth = gauge('nitro_agents_scheduled_jobs', 'Scheduled agent jobs waiting or delayed');

/**
 * BullMQ job schedulers: a schedule lives in Redis, so it survives restarts, and each tick is
 * one job with a deterministic id, taken by exactly one replica's worker.
 */
@Injectable()
export class SchedulerQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connections: Redis[] = [];
  private queue!: Queue<RunJobData>;
  private worker?: Worker<RunJobData>;

  constructor(
    private readonly env: AgentsEnv,
    private readonly runner: TaskRunner,
  ) {
    this.queue = new Queue<RunJobData>(AGENTS_QUEUES.scheduled, { connection: this.connection('queue'), prefix: AGENTS_QUEUE_PREFIX });
  }

  /** One of the connections this scheduler owns (and closes on shutdown). */
  private connection(role: string): Redis {
    const redis = createBullmqConnection(redisTopology(this.env), 'agents', role);
    this.connections.push(redis);
    return redis;
  }

  onApplicationBootstrap() {
    this.worker = new Worker<RunJobData>(AGENTS_QUEUES.scheduled, (job) => this.process(job), {
      connection: this.connection('worker'),
      prefix: AGENTS_QUEUE_PREFIX,
      concurrency: this.env.SCHEDULER_CONCURRENCY,
    });
    this.worker.on('error', (err) => getLogger().warn({ err }, 'scheduler worker error'));
  }

  async schedule(userId: string, taskId: string, schedule: TaskSchedule): Promise<void> {
    const data: RunJobData = { user_id: userId, task_id: taskId };
    const opts = { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 }, attempts: 1 };
    if ('delay_ms' in schedule) {
      await this.queue.add('run', data, { ...opts, delay: schedule.delay_ms, jobId: onceJobId(userId, taskId) });
      return;
    }
    const repeat =
      'cron' in schedule
        ? { pattern: schedule.cron, ...(schedule.timezone ? { tz: schedule.timezone } : {}) }
        : { every: schedule.every_ms };
    await this.queue.upsertJobScheduler(schedulerId(userId, taskId), repeat, { name: 'run', data, opts });
  }

  async unschedule(userId: string, taskId: string): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(userId, taskId));
    await this.queue.remove(onceJobId(userId, taskId)).catch(() => 0); // running right now: the runner sees the cancel
  }

  async nextRun(userId: string, taskId: string): Promise<number | undefined> {
    const s = await this.queue.getJobScheduler(schedulerId(userId, taskId));
    return s?.next ?? undefined;
  }

  private async process(job: Job<RunJobData>): Promise<void> {
    const tick = this.tickOf(job);
    const alive = await this.runner.run(job.data, tick);
    if (!alive) await this.unschedule(job.data.user_id, job.data.task_id);
    void this.queue.getJobCounts('waiting', 'delayed').then(
      (c) => depth.set((c.waiting ?? 0) + (c.delayed ?? 0)),
      () => undefined,
    );
  }

  /** The planned time of this run: scheduler jobs carry it (prevMillis, and the id's suffix). */
  private tickOf(job: Job<RunJobData>): number {
    const planned = (job.opts as { prevMillis?: number }).prevMillis ?? Number(String(job.id).split(':').pop());
    return Number.isFinite(planned) && planned > 0 ? planned : job.timestamp + (job.opts.delay ?? 0);
  }

  async onApplicationShutdown() {
    const closing = Promise.all([this.worker?.close(), this.queue.close()]);
    const timer = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([closing, timer]).catch(() => undefined);
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
