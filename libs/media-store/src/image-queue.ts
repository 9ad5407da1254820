import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { MEDIA_QUEUE_PREFIX, MediaQueue, type ImageJobData, type ImageJobResult } from '@nitro/contracts';
import { createBullmqConnection, type RedisEndpoint } from '@nitro/transport';

export const IMAGE_QUEUE = Symbol('IMAGE_QUEUE');
export const IMAGE_QUEUE_EVENTS = Symbol('IMAGE_QUEUE_EVENTS');

export type ImageQueue = Queue<ImageJobData, ImageJobResult>;

/** The image queue (MediaQueue.images under MEDIA_QUEUE_PREFIX) on its own connection. */
export function createImageQueue(endpoint: RedisEndpoint, owner: string): ImageQueue {
  return new Queue(MediaQueue.images, { connection: createBullmqConnection(endpoint, owner, 'queue'), prefix: MEDIA_QUEUE_PREFIX });
}

/** The queue's event stream reader (progress, completed, failed) on its own blocking connection. */
export function createImageQueueEvents(endpoint: RedisEndpoint, owner: string): QueueEvents {
  return new QueueEvents(MediaQueue.images, { connection: createBullmqConnection(endpoint, owner, 'events'), prefix: MEDIA_QUEUE_PREFIX });
}

/** How long shutdown waits for BullMQ to close before the connections are cut anyway. */
const CLOSE_GRACE_MS = 5_000;

/** Closes the queue and the events reader (and their connections) when the process stops. */
@Injectable()
export class MediaQueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueue,
    @Optional() @Inject(IMAGE_QUEUE_EVENTS) private readonly events?: QueueEvents,
  ) {}

  async onApplicationShutdown() {
    const owners = [this.queue, ...(this.events ? [this.events] : [])];
    const closing = Promise.all(owners.map((o) => o.close()));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]).catch(() => undefined);
    // BullMQ leaves connections it was given open: they are ours to close.
    for (const owner of owners) (owner.opts.connection as Redis).disconnect();
  }
}
