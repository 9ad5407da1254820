import type { Job } from 'bullmq';
import type { ModelPullJobData, ModelPullProgress, ModelPullResult, ModelPullStatusDto } from '@nitro/contracts';

export type ModelPullJob = Job<ModelPullJobData, ModelPullResult>;

/** Where a pull's progress is read (SSE with Accept: text/event-stream, else JSON). */
export const pullStatusUrl = (jobId: string) => `/admin/models/pull/${jobId}`;

/**
 * A pull job's status from BullMQ's state (the truth; events are only hints): the job's state decides
 * queued / running / done / failed, the worker's progress object gives bytes, rate and ETA.
 */
export async function pullStatusOf(job: ModelPullJob): Promise<ModelPullStatusDto & { seq: number }> {
  const state = await job.getState();
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
