import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Queue, QueueEvents } from 'bullmq';
import { MEDIA_QUEUE_PREFIX, MediaQueue, type ImageJobData, type ImageJobResult } from '@nitro/contracts';
import { createBullmqQueue, lazyBullmq, openQueueEvents, type LazyResource, type RedisEndpoint } from '@nitro/transport';

/** A LazyResource<ImageQueue>: the queue is made (and BullMQ loaded) on the first `get()`. */
export const IMAGE_QUEUE = Symbol('IMAGE_QUEUE');
/** A LazyResource<QueueEvents> (with `follow`): the events reader is made on the first follow. */
export const IMAGE_QUEUE_EVENTS = Symbol('IMAGE_QUEUE_EVENTS');

export type ImageQueue = Queue<ImageJobData, ImageJobResult>;
export type ImageQueueHandle = LazyResource<ImageQueue>;
export type ImageQueueEventsHandle = LazyResource<QueueEvents>;

const spec = (endpoint: RedisEndpoint, owner: string, role: string) => ({
  name: MediaQueue.images,
  prefix: MEDIA_QUEUE_PREFIX,
  endpoint,
  owner,
  role,
});

/** The image queue (MediaQueue.images under MEDIA_QUEUE_PREFIX) on its own connection, made on first use. */
export function imageQueueHandle(endpoint: RedisEndpoint, owner: string): ImageQueueHandle {
  return lazyBullmq('image queue', () => createBullmqQueue<ImageJobData, ImageJobResult>(spec(endpoint, owner, 'queue')));
}

/** The queue's event stream reader (progress, completed, failed) on its own blocking connection, made on first use. */
export function imageQueueEventsHandle(endpoint: RedisEndpoint, owner: string): ImageQueueEventsHandle {
  return lazyBullmq('image queue events', () => openQueueEvents(spec(endpoint, owner, 'events')));
}

/** Closes the queue and the events reader (and their connections) when the process stops, if they were made. */
@Injectable()
export class MediaQueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueueHandle,
    @Optional() @Inject(IMAGE_QUEUE_EVENTS) private readonly events?: ImageQueueEventsHandle,
  ) {}

  async onApplicationShutdown() {
    await Promise.all([this.queue.close(), this.events?.close()]);
  }
}
