import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { MediaEnv, redisTopology } from '@nitro/config';
import { IMAGE_JOB_BACKOFF, MEDIA_QUEUE_PREFIX, MediaQueue, type ImageJobData, type ImageJobResult } from '@nitro/contracts';
import { GALLERY_STORE, GalleryStore, IMAGE_QUEUE, type ImageQueueHandle } from '@nitro/media-store';
import { createBullmqConnection } from '@nitro/transport';
import { getLogger } from '@nitro/observability';
import { imageMetrics } from '../media.metrics';
import { providerAwareBackoff } from './job-backoff.util';
import { ImageJobProcessor } from './image-job.processor';

const CLOSE_GRACE_MS = 10_000;
const BUCKET_RETRY_MS = 5_000;

/**
 * The BullMQ worker of this replica. It starts taking jobs only once the gallery bucket is known
 * to exist: without S3 every job would burn its attempts, so jobs wait in the queue instead.
 * A crashed replica's jobs come back through BullMQ's stalled check (lock JOB_LOCK_MS, checked
 * every JOB_STALLED_CHECK_MS, at most JOB_MAX_STALLED times).
 */
@Injectable()
export class ImageWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private workerConnection?: Redis;
  private worker?: Worker<ImageJobData, ImageJobResult>;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly env: MediaEnv,
    private readonly processor: ImageJobProcessor,
    @Inject(GALLERY_STORE) private readonly store: GalleryStore,
    // The queue (and its connection) is @nitro/media-store's, closed by its MediaQueueLifecycle.
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueueHandle,
  ) {}

  onApplicationBootstrap() {
    void this.startWhenBucketReady();
    const depth = setInterval(() => void this.reportDepth(), 5_000);
    depth.unref();
    this.timers.push(depth);
  }

  /** For the gallery sweep: a job that may still write objects. */
  async isLive(jobId: string): Promise<boolean> {
    const state = await (await this.queue.get()).getJobState(jobId);
    return ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state);
  }

  private async startWhenBucketReady(): Promise<void> {
    while (!this.stopped) {
      try {
        const outcome = await this.store.objects.ensureBucket();
        getLogger().info({ bucket: this.store.objects.bucket, outcome }, 'gallery bucket ready');
        break;
      } catch (err) {
        getLogger().warn(
          { err, bucket: this.store.objects.bucket },
          `S3 not reachable; image jobs wait in the queue, retrying in ${BUCKET_RETRY_MS} ms`,
        );
        await new Promise((resolve) => this.timers.push(setTimeout(resolve, BUCKET_RETRY_MS)));
      }
    }
    if (this.stopped) return;
    this.worker = new Worker<ImageJobData, ImageJobResult>(
      MediaQueue.images,
      (job, _token, signal) => this.processor.process(job, signal),
      {
        connection: (this.workerConnection = createBullmqConnection(redisTopology(this.env), 'media', 'worker')),
        prefix: MEDIA_QUEUE_PREFIX,
        // Stored on each job it takes (job.processedBy): who drew it, for logs and the crash test.
        name: `media-${process.pid}`,
        concurrency: this.env.WORKER_CONCURRENCY,
        lockDuration: this.env.JOB_LOCK_MS,
        stalledInterval: this.env.JOB_STALLED_CHECK_MS,
        maxStalledCount: this.env.JOB_MAX_STALLED,
        removeOnComplete: { age: this.env.JOB_RETENTION_S },
        removeOnFail: { age: this.env.JOB_RETENTION_S },
        settings: { backoffStrategy: providerAwareBackoff(this.env.JOB_BACKOFF_MS) },
      },
    );
    this.worker.on('error', (err) => getLogger().warn({ err }, 'image worker error'));
    this.worker.on('stalled', (jobId) => getLogger().warn({ jobId }, 'image job stalled (its worker died or hung); it runs again'));
    getLogger().info({ concurrency: this.env.WORKER_CONCURRENCY, backoff: IMAGE_JOB_BACKOFF }, 'image worker started');
  }

  private async reportDepth(): Promise<void> {
    const counts = await this.queue
      .get()
      .then((q) => q.getJobCounts('waiting', 'active', 'delayed', 'failed'))
      .catch(() => null);
    for (const [state, n] of Object.entries(counts ?? {})) imageMetrics.queueDepth.set({ state }, n);
  }

  async onApplicationShutdown() {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    const closing = Promise.resolve(this.worker?.close());
    const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([closing, grace]).catch(() => undefined);
    await this.workerConnection?.quit().catch(() => this.workerConnection?.disconnect());
  }
}
