import type { GenerateImageResultDto, ImageJobEvent, ImageJobResult, ImageJobStatusDto } from '@nitro/contracts';
import { progressOf, type ImageJob } from './image-job-progress';

/** DI token for the URLs in job answers: the gateway owns its routes, this lib only reads state. */
export const IMAGE_JOB_PRESENTER = Symbol('IMAGE_JOB_PRESENTER');

/** How a job's state becomes an API answer: the URLs and the finished result's shape. */
export interface ImageJobPresenter {
  eventsUrl(jobId: string): string;
  result(jobId: string, prompt: string, result: ImageJobResult, finishedOn?: number): GenerateImageResultDto;
}

/**
 * A job's status in API terms, from its BullMQ state and the worker's last progress (the truth;
 * events are only hints to read it again). `seq` is the progress number the follower orders by.
 */
export async function snapshotOf(job: ImageJob, present: ImageJobPresenter): Promise<ImageJobStatusDto & { seq: number }> {
  const state = await job.getState();
  const p = progressOf(job);
  const id = String(job.id);
  const base = {
    job_id: id,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    events_url: present.eventsUrl(id),
    seq: p?.seq ?? 0,
  };
  const finished_at = job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined;
  if (state === 'completed' && job.returnvalue) {
    return {
      ...base,
      stage: 'done',
      percent: 100,
      provider: job.returnvalue.ai_source,
      finished_at,
      result: present.result(id, job.data.prompt, job.returnvalue, job.finishedOn),
    };
  }
  if (state === 'failed') {
    // Our worker writes the verdict into the progress; a job lost to repeated worker crashes has only failedReason.
    const ours = p?.stage === 'failed';
    return {
      ...base,
      stage: 'failed',
      reason: (ours && p?.reason) || job.failedReason || 'the job failed',
      code: (ours && p?.code) || 'JOB_FAILED',
      status: (ours && p?.status) || 503,
      finished_at,
    };
  }
  if (state === 'active') {
    // 'failed' in the progress of an active job is the last attempt about to end: report it when it has.
    const stage = p && p.stage !== 'failed' && p.stage !== 'done' ? p.stage : 'generating';
    return {
      ...base,
      stage,
      ...(p?.percent !== undefined && stage === p?.stage ? { percent: p.percent } : {}),
      ...(p?.provider ? { provider: p.provider } : {}),
      ...(p?.reason && stage === 'queued' ? { reason: p.reason } : {}),
    };
  }
  return { ...base, stage: 'queued', ...(p?.stage === 'queued' && p.reason ? { reason: p.reason } : {}) };
}

/** The SSE event for a snapshot: done and failed end the stream. */
export function eventOf(s: ImageJobStatusDto): ImageJobEvent {
  if (s.stage === 'done' && s.result) return { type: 'done', stage: 'done', ...s.result };
  if (s.stage === 'failed')
    return {
      type: 'failed',
      job_id: s.job_id,
      stage: 'failed',
      reason: s.reason ?? 'the job failed',
      code: s.code ?? 'JOB_FAILED',
      status: s.status ?? 503,
    };
  return {
    type: 'progress',
    job_id: s.job_id,
    stage: s.stage,
    ...(s.percent !== undefined ? { percent: s.percent } : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  };
}
