import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { ScheduledTaskRecord, TaskRun } from './scheduled-task.types';

// A user's task keys share the hash tag {u:<user>}: the MULTIs below touch one Redis Cluster slot.
const tasksKey = (user: string) => `nitro:agents:{u:${user}}:tasks`;
const countsKey = (user: string) => `nitro:agents:{u:${user}}:run-counts`;
const runsKey = (user: string, task: string) => `nitro:agents:{u:${user}}:runs:${task}`;
const tickKey = (user: string, task: string, tick: number) => `nitro:agents:{u:${user}}:tick:${task}:${tick}`;

/** Scheduled tasks and their runs in Redis, always addressed through their owner's user id. */
@Injectable()
export class TaskStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async save(task: ScheduledTaskRecord): Promise<void> {
    await this.redis.hset(tasksKey(task.user_id), task.task_id, JSON.stringify(task));
  }

  async get(userId: string, taskId: string): Promise<ScheduledTaskRecord | null> {
    const raw = await this.redis.hget(tasksKey(userId), taskId);
    return raw ? (JSON.parse(raw) as ScheduledTaskRecord) : null;
  }

  async list(userId: string): Promise<ScheduledTaskRecord[]> {
    const all = await this.redis.hvals(tasksKey(userId));
    return all.map((raw) => JSON.parse(raw) as ScheduledTaskRecord).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async remove(userId: string, taskIds: string[]): Promise<void> {
    if (!taskIds.length) return;
    await this.redis
      .multi()
      .hdel(tasksKey(userId), ...taskIds)
      .hdel(countsKey(userId), ...taskIds)
      .del(...taskIds.map((t) => runsKey(userId, t)))
      .exec();
  }

  async runCounts(userId: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(countsKey(userId));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /**
   * Claims one tick of a task. BullMQ already hands each tick's job to one replica; this guard
   * also stops a re-delivered job (after a stall) from running the same tick twice.
   */
  async claimTick(userId: string, taskId: string, tick: number, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(tickKey(userId, taskId, tick), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  /** Newest first, capped at `keep`; the list expires `ttlSeconds` after the last run. */
  async addRun(userId: string, taskId: string, run: TaskRun, keep: number, ttlSeconds: number): Promise<void> {
    const key = runsKey(userId, taskId);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(run))
      .ltrim(key, 0, keep - 1)
      .expire(key, ttlSeconds)
      .hincrby(countsKey(userId), taskId, 1)
      .exec();
  }

  async runs(userId: string, taskId: string, limit: number): Promise<TaskRun[]> {
    const raw = await this.redis.lrange(runsKey(userId, taskId), 0, limit - 1);
    return raw.map((r) => JSON.parse(r) as TaskRun);
  }
}
