import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { MediaEnv } from '@nitro/config';
import { ERROR_CODE, isUserUid, type ImageJobData, type ImageJobProgress, type ImageJobResult } from '@nitro/contracts';
import { progressReporter } from '@nitro/media-store';
import { getLogger } from '@nitro/observability';
import { GalleryWriterService } from '../gallery/gallery-writer.service';
import { ImageGenerationService } from '../providers/image-generation.service';
import { imageMetrics } from '../media.metrics';
import { IMAGE_ERROR_CODES, ImageJobFailure } from './image-job.errors';

type ImageJob = Job<ImageJobData, ImageJobResult>;

/**
 * One attempt of an image job: generate (with fallback), store, return the records. Progress
 * carries a sequence number that grows across attempts (attemptsStarted), so a follower can put
 * events from a replayed snapshot and from the live stream in order. On the last attempt the
 * failure is written into the progress (stage, reason, code, status) for the gateway to report.
 */
@Injectable()
export class ImageJobProcessor {
  constructor(
    private readonly generation: ImageGenerationService,
    private readonly writer: GalleryWriterService,
    private readonly env: MediaEnv,
  ) {}

  async process(job: ImageJob, signal: AbortSignal = new AbortController().signal): Promise<ImageJobResult> {
    const progress = progressReporter(job);
    try {
      // Never draw what cannot be stored under its owner's uid (data from before uids, or a bad producer).
      if (!isUserUid(job.data.owner_uid))
        throw new ImageJobFailure(400, ERROR_CODE.VALIDATION_FAILED, 'owner_uid of the image job must be a user uid', false);
      await progress({ stage: 'generating', percent: 0 });
      const out = await this.generation.generate(
        job.data,
        signal,
        (provider, percent) => void progress({ stage: 'generating', percent, provider }).catch(() => undefined),
      );
      await progress({ stage: 'storing', percent: 100, provider: out.provider });
      const images = await this.writer.store(String(job.id), job.data, out);
      imageMetrics.jobs.inc({ outcome: 'done' });
      imageMetrics.jobSeconds.observe({ outcome: 'done' }, (Date.now() - job.timestamp) / 1000);
      return {
        images,
        ai_model: out.model,
        ai_source: out.provider,
        seed: job.data.seed,
        ...(out.fallbacks.length ? { fallbacks: out.fallbacks } : {}),
      };
    } catch (err) {
      throw await this.fail(job, err, progress);
    }
  }

  /** Decides retry or final failure; BullMQ retries what we rethrow and stops at UnrecoverableError. */
  private async fail(job: ImageJob, err: unknown, progress: (p: ImageJobProgress) => Promise<void>): Promise<Error> {
    const failure = err instanceof ImageJobFailure ? err : storageOrBug(err);
    const last = !failure.retryable || job.attemptsMade + 1 >= this.env.JOB_ATTEMPTS;
    imageMetrics.jobs.inc({ outcome: last ? 'failed' : 'retry' });
    if (!last) {
      await progress({
        stage: 'queued',
        reason: `attempt ${job.attemptsMade + 1} of ${this.env.JOB_ATTEMPTS} failed, retrying: ${failure.message}`,
      }).catch(() => undefined);
      return failure;
    }
    imageMetrics.jobSeconds.observe({ outcome: 'failed' }, (Date.now() - job.timestamp) / 1000);
    await progress({ stage: 'failed', reason: failure.message, code: failure.code, status: failure.status }).catch(() => undefined);
    return new UnrecoverableError(failure.message);
  }
}

/** Anything that is not a provider verdict (S3 or Redis down, a bug) is retried: storing may work next time. */
function storageOrBug(err: unknown): ImageJobFailure {
  getLogger().warn({ err }, 'image job attempt failed outside the providers');
  return new ImageJobFailure(
    503,
    IMAGE_ERROR_CODES.internal,
    `storing the picture failed: ${(err as Error)?.message ?? String(err)}`,
    true,
  );
}
