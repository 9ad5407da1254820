import { NotFoundException } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { ERROR_CODE } from '@nitro/contracts';
import type { ModelPullJobData, ModelPullProgress, ModelPullResult, ModelPullStatusDto } from '@nitro/contracts';

export type ModelPullJob = Job<ModelPullJobData, ModelPullResult>;

/** Where a pull's progress is read (SSE with Accept: text/event-stream, else JSON). */
export const pullStatusUrl = (jobId: string) => `/admin/models/pull/${jobId}`;

/**
 * A pull's status read in the one safe order: its state first, then the job. The worker writes its final
 * progress (with the failure kind) before BullMQ marks the job failed, so a job read after a `failed` state
 * carries it; read the other way round, a job fetched just before the write looked failed with no failure
 * kind ("internal", seen once in CI). Undefined when there is no such job.
 */
export async function readPullStatus(
  queue: Pick<Queue, 'getJobState' | 'getJob'>,
  jobId: string,
): Promise<(ModelPullStatusDto & { seq: number }) | undefined> {
  const state = await queue.getJobState(jobId);
  const job = (await queue.getJob(jobId)) as ModelPullJob | undefined;
  return job && pullStatusOf(job, state);
}

/**
 * A pull job's status from BullMQ's state (the truth; events are only hints): the job's state decides
 * queued / running / done / failed, the worker's progress object gives bytes, rate and ETA.
 */
export async function pullStatusOf(job: ModelPullJob, known?: string): Promise<ModelPullStatusDto & { seq: number }> {
  const state = known ?? (await job.getState());
  const p = (typeof job.progress === 'object' ? job.progress : {}) as Partial<ModelPullProgress>;
  const base = {
    job_id: job.id ?? '',
    model: job.data.model,
    file_name: job.data.file_name,
    bytes: p.bytes ?? 0,
    total: p.total ?? 0,
    rate: p.rate ?? 0,
    eta_ms: p.eta_ms ?? null,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    seq: p.seq ?? 0,
  };
  if (state === 'completed') {
    const r = job.returnvalue;
    return {
      ...base,
      state: 'done',
      bytes: r.size_bytes,
      total: r.size_bytes,
      rate: 0,
      eta_ms: 0,
      sha256: r.sha256,
      verified: r.verified,
      finished_at: new Date(job.finishedOn ?? Date.now()).toISOString(),
    };
  }
  if (state === 'failed')
    return {
      ...base,
      state: 'failed',
      reason: job.failedReason || p.reason || 'failed',
      failure: p.failure ?? 'internal',
      finished_at: new Date(job.finishedOn ?? Date.now()).toISOString(),
    };
  // Active: downloading, or verifying (also when the worker wrote `done` and BullMQ has not completed the job yet).
  const RUNNING: Partial<Record<string, 'downloading' | 'verifying'>> = {
    downloading: 'downloading',
    verifying: 'verifying',
    done: 'verifying',
  };
  const running = state === 'active' ? RUNNING[p.state ?? ''] : undefined;
  return {
    ...base,
    state: running ?? 'queued',
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.failure ? { failure: p.failure } : {}),
  };
}

/** 404 for a pull id that is unknown or was removed (finished pulls are kept for a day). */
export function pullNotFound(jobId: string): NotFoundException {
  return new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `no model pull ${jobId} (finished pulls are kept for a day)` });
}
