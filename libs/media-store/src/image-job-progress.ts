import type { Job } from 'bullmq';
import type { ImageJobData, ImageJobProgress, ImageJobResult } from '@nitro/contracts';

/**
 * The job progress protocol (ADR 0003 §2), written by the media worker and read by the gateway:
 * `{ stage, percent?, provider?, reason?, code?, status?, seq }` in BullMQ's job progress.
 */
export type ImageJob = Job<ImageJobData, ImageJobResult>;

/** Percent steps worth an event: each update is a Redis write and an event to every follower. */
const PERCENT_STEP = 5;
/** seq = attemptsStarted * SEQ_PER_ATTEMPT + n: it grows across attempts, a taken-over one included. */
const SEQ_PER_ATTEMPT = 10_000;

/** The worker's progress object, or undefined while BullMQ still holds its initial 0. */
export function progressOf(job: Pick<ImageJob, 'progress'>): ImageJobProgress | undefined {
  const p = job.progress as ImageJobProgress | number;
  return p && typeof p === 'object' && typeof p.stage === 'string' ? p : undefined;
}

/**
 * The worker's writer for one attempt: numbers every update (seq) so followers can order a replayed
 * snapshot and live events, rounds percents and drops steps under 5 points within a stage.
 * Rejects when Redis does (callers that report on the side catch it).
 */
export function progressReporter(
  job: Pick<ImageJob, 'attemptsStarted' | 'updateProgress'>,
): (p: Omit<ImageJobProgress, 'seq'>) => Promise<void> {
  let seq = job.attemptsStarted * SEQ_PER_ATTEMPT;
  let last: Omit<ImageJobProgress, 'seq'> | undefined;
  return async (p) => {
    const percent = p.percent === undefined ? undefined : Math.round(p.percent);
    const same = last && last.stage === p.stage && last.provider === p.provider;
    if (same && percent !== undefined && percent < 100 && percent - (last!.percent ?? 0) < PERCENT_STEP) return;
    last = { ...p, percent };
    await job.updateProgress({ ...p, ...(percent === undefined ? {} : { percent }), seq: ++seq } as ImageJobProgress);
  };
}
