import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Queue, QueueEvents } from 'bullmq';
import { GatewayEnv, redisTopology } from '@nitro/config';
import { MODEL_QUEUE_PREFIX, ModelQueue, type ModelPullJobData, type ModelPullResult } from '@nitro/contracts';
import { createBullmqQueue, lazyBullmq, openQueueEvents, type LazyResource } from '@nitro/transport';

/** A LazyResource<ModelPullQueue>: made (and BullMQ loaded) on the first admin model request that needs it. */
export const MODEL_PULL_QUEUE = Symbol('MODEL_PULL_QUEUE');
/** A LazyResource<QueueEvents>: made on the first pull followed. */
export const MODEL_PULL_EVENTS = Symbol('MODEL_PULL_EVENTS');

export type ModelPullQueue = Queue<ModelPullJobData, ModelPullResult>;
export type ModelPullQueueHandle = LazyResource<ModelPullQueue>;
export type ModelPullEventsHandle = LazyResource<QueueEvents>;

const spec = (env: GatewayEnv, role: string) => ({
  name: ModelQueue.pulls,
  prefix: MODEL_QUEUE_PREFIX,
  endpoint: redisTopology(env),
  owner: 'gateway',
  role,
});

/** The model pull queue (ai-router works it) and its event reader, each on its own connection, made on first use. */
export const modelPullQueueProviders = [
  {
    provide: MODEL_PULL_QUEUE,
    inject: [GatewayEnv],
    useFactory: (env: GatewayEnv): ModelPullQueueHandle =>
      lazyBullmq('model pull queue', () => createBullmqQueue<ModelPullJobData, ModelPullResult>(spec(env, 'model-pulls'))),
  },
  {
    provide: MODEL_PULL_EVENTS,
    inject: [GatewayEnv],
    useFactory: (env: GatewayEnv): ModelPullEventsHandle =>
      lazyBullmq('model pull events', () => openQueueEvents(spec(env, 'model-pull-events'))),
  },
];

/** Closes the queue and the event reader, then their connections, if they were made. */
@Injectable()
export class ModelPullQueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MODEL_PULL_QUEUE) private readonly queue: ModelPullQueueHandle,
    @Inject(MODEL_PULL_EVENTS) private readonly events: ModelPullEventsHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.queue.close(), this.events.close()]);
  }
}
