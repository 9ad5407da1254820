import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AgentsEnv } from '@nitro/config';
import { ERROR_CODES, ListRunsInputDto, ScheduledTaskDto, ScheduleTaskInputDto, TaskRunDto } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { AgentRegistry } from '../registry/agent-registry.service';
import { parseSchedule } from './schedule-spec.util';
import { SchedulerQueue } from './scheduler.queue';
import { ScheduledTaskRecord, TaskAction } from './scheduled-task.types';
import { TaskStore } from './task-store.repository';

/** schedule_task, list_tasks, cancel_task, list_runs: always within one user's tasks. */
@Injectable()
export class SchedulerService {
  constructor(
    private readonly env: AgentsEnv,
    private readonly store: TaskStore,
    private readonly queue: SchedulerQueue,
    private readonly registry: AgentRegistry,
  ) {}

  async schedule(input: ScheduleTaskInputDto, userId: string): Promise<ScheduledTaskDto> {
    const schedule = parseSchedule(input, this.env.TASK_MIN_INTERVAL_MS);
    const action = await this.action(input);
    const active = (await this.store.list(userId)).filter((t) => t.status === 'active').length;
    if (active >= this.env.TASKS_MAX_PER_USER)
      throw new ServiceError(
        409,
        'TASK_LIMIT',
        `${active} tasks are active; at most ${this.env.TASKS_MAX_PER_USER} are allowed (TASKS_MAX_PER_USER): cancel one first`,
      );
    const now = new Date().toISOString();
    const record: ScheduledTaskRecord = {
      task_id: `t_${randomBytes(8).toString('hex')}`,
      user_id: userId,
      ...(input.name ? { name: input.name } : {}),
      schedule,
      action,
      status: 'active',
      created_at: now,
      updated_at: now,
    };
    await this.store.save(record); // before the schedule exists, so its first tick finds the task
    await this.queue.schedule(userId, record.task_id, schedule);
    return this.view(record, 0);
  }

  async list(userId: string): Promise<ScheduledTaskDto[]> {
    const [tasks, counts] = await Promise.all([this.store.list(userId), this.store.runCounts(userId)]);
    const expired = tasks.filter(
      (t) => t.status !== 'active' && Date.parse(t.updated_at) < Date.now() - this.env.TASK_RESULTS_TTL_S * 1000,
    );
    await this.store.remove(
      userId,
      expired.map((t) => t.task_id),
    );
    const kept = tasks.filter((t) => !expired.includes(t));
    return Promise.all(kept.map((t) => this.view(t, counts[t.task_id] ?? 0)));
  }

  async cancel(userId: string, taskId: string): Promise<ScheduledTaskDto> {
    const task = await this.owned(userId, taskId);
    await this.queue.unschedule(userId, taskId);
    const cancelled: ScheduledTaskRecord = {
      ...task,
      status: task.status === 'active' ? 'cancelled' : task.status,
      updated_at: new Date().toISOString(),
    };
    await this.store.save(cancelled);
    return this.view(cancelled, (await this.store.runCounts(userId))[taskId] ?? 0);
  }

  async runs(input: ListRunsInputDto, userId: string): Promise<{ task_id: string; runs: TaskRunDto[] }> {
    await this.owned(userId, input.task_id);
    return { task_id: input.task_id, runs: await this.store.runs(userId, input.task_id, input.limit ?? this.env.TASK_RESULTS_KEEP) };
  }

  /** Another user's task id is simply not found: existence is not revealed. */
  private async owned(userId: string, taskId: string): Promise<ScheduledTaskRecord> {
    const task = await this.store.get(userId, taskId);
    if (!task) throw new ServiceError(404, ERROR_CODES.notFound, `task ${taskId} not found`);
    return task;
  }

  /** Exactly one of task (+ data, validated now rather than at every tick) or prompt. */
  private async action(input: ScheduleTaskInputDto): Promise<TaskAction> {
    if ((input.task === undefined) === (input.prompt === undefined))
      throw new ServiceError(400, ERROR_CODES.validation, 'data needs exactly one of task (with data) or prompt');
    if (input.prompt !== undefined) {
      if (input.data !== undefined) throw new ServiceError(400, ERROR_CODES.validation, 'data.data only applies to task, not prompt');
      return { prompt: input.prompt };
    }
    const { task } = this.registry.resolve(input.task!);
    if (!task.schedulable)
      throw new ServiceError(
        400,
        ERROR_CODES.validation,
        `data.task "${task.name}" cannot be scheduled; schedulable tasks: ${this.schedulable().join(', ')}`,
      );
    await this.registry.validate(task, input.data ?? {}, 'data.data');
    return { task: task.name, data: input.data ?? {} };
  }

  private schedulable(): string[] {
    return this.registry.taskNames().filter((n) => this.registry.resolve(n).task.schedulable);
  }

  private async view(t: ScheduledTaskRecord, runs: number): Promise<ScheduledTaskDto> {
    let next: number | undefined;
    if (t.status === 'active')
      next = 'delay_ms' in t.schedule ? Date.parse(t.created_at) + t.schedule.delay_ms : await this.queue.nextRun(t.user_id, t.task_id);
    return {
      task_id: t.task_id,
      user_id: t.user_id,
      ...(t.name ? { name: t.name } : {}),
      schedule: t.schedule,
      action: t.action,
      status: t.status,
      created_at: t.created_at,
      ...(next ? { next_run_at: new Date(next).toISOString() } : {}),
      runs,
    };
  }
}
