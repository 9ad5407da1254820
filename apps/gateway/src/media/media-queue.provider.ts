import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Redis as RedisClient } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { MEDIA_QUEUE_PREFIX, MediaQueue, type ImageJobData, type ImageJobResult } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { createS3Client, GalleryIndexRepository, GalleryObjectsRepository, GalleryStore } from '@nitro/storage';

export const IMAGE_QUEUE = Symbol('IMAGE_QUEUE');
export const IMAGE_QUEUE_EVENTS = Symbol('IMAGE_QUEUE_EVENTS');
export const GALLERY_STORE = Symbol('GALLERY_STORE');

export type ImageQueue = Queue<ImageJobData, ImageJobResult>;

/** BullMQ needs maxRetriesPerRequest: null on the blocking events connection. */
function bullConnection(env: GatewayEnv, role: string): Redis {
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, connectionName: `nitro:gateway:bullmq:${role}` });
  redis.on('error', (err) => getLogger().debug({ err, role }, 'bullmq redis connection error'));
  return redis;
}

export const mediaQueueProviders: Provider[] = [
  { provide: IMAGE_QUEUE, inject: [GatewayEnv], useFactory: (env: GatewayEnv) => new Queue(MediaQueue.images, { connection: bullConnection(env, 'queue'), prefix: MEDIA_QUEUE_PREFIX }) },
  {
    provide: IMAGE_QUEUE_EVENTS,
    inject: [GatewayEnv],
    // One events reader per gateway process, fanned out to every follower of a job.
    useFactory: (env: GatewayEnv) => new QueueEvents(MediaQueue.images, { connection: bullConnection(env, 'events'), prefix: MEDIA_QUEUE_PREFIX }),
  },
  {
    provide: GALLERY_STORE,
    inject: [GatewayEnv, REDIS_CLIENT],
    useFactory: (env: GatewayEnv, redis: RedisClient) => new GalleryStore(new GalleryObjectsRepository(createS3Client(env), env.S3_BUCKET, env.S3_TIMEOUT_MS), new GalleryIndexRepository(redis)),
  },
];

/** Closes the queue and the events reader (and their connections) when the gateway stops. */
@Injectable()
export class MediaQueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueue,
    @Inject(IMAGE_QUEUE_EVENTS) private readonly events: QueueEvents,
  ) {}

  async onApplicationShutdown() {
    const closing = Promise.all([this.queue.close(), this.events.close()]);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]).catch(() => undefined);
    // BullMQ leaves connections it was given open: they are ours to close.
    for (const owner of [this.queue, this.events]) (owner.opts.connection as Redis).disconnect();
  }
}
