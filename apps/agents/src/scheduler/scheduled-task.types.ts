import type { TaskRunDto } from '@nitro/contracts';

export type TaskSchedule = { cron: string; timezone?: string } | { every_ms: number } | { delay_ms: number };
export type TaskAction = { task: string; data: Record<string, unknown> } | { prompt: string };

/** A scheduled task as stored in Redis (one hash per user, field = task id). */
export interface ScheduledTaskRecord {
  task_id: string;
  user_id: string;
  name?: string;
  schedule: TaskSchedule;
  action: TaskAction;
  status: 'active' | 'done' | 'cancelled';
  created_at: string;
  updated_at: string;
}

/** Data of each BullMQ job: only ids, so a run always reads the task's current state. */
export interface RunJobData {
  user_id: string;
  task_id: string;
}

export type TaskRun = TaskRunDto;

/** BullMQ job scheduler id and one-off job id of a task (no ':' in custom job ids). */
export const schedulerId = (userId: string, taskId: string) => `${userId}:${taskId}`;
export const onceJobId = (userId: string, taskId: string) => `once-${userId}-${taskId}`;
