import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { GatewayEnv, redisTopology } from '@nitro/config';
import { MODEL_QUEUE_PREFIX, ModelQueue, type ModelPullJobData, type ModelPullResult } from '@nitro/contracts';
import { createBullmqConnection } from '@nitro/transport';

export const MODEL_PULL_QUEUE = Symbol('MODEL_PULL_QUEUE');
export const MODEL_PULL_EVENTS = Symbol('MODEL_PULL_EVENTS');

export type ModelPullQueue = Queue<ModelPullJobData, ModelPullResult>;

/** The model pull queue (ai-router works it) and its event reader, each on its own connection. */
export const modelPullQueueProviders = [
  {
    provide: MODEL_PULL_QUEUE,
    inject: [GatewayEnv],
    useFactory: (env: GatewayEnv): ModelPullQueue =>
      new Queue(ModelQueue.pulls, {
        connection: createBullmqConnection(redisTopology(env), 'gateway', 'model-pulls'),
        prefix: MODEL_QUEUE_PREFIX,
      }),
  },
  {
    provide: MODEL_PULL_EVENTS,
    inject: [GatewayEnv],
    useFactory: (env: GatewayEnv): QueueEvents =>
      new QueueEvents(ModelQueue.pulls, {
        connection: createBullmqConnection(redisTopology(env), 'gateway', 'model-pull-events'),
        prefix: MODEL_QUEUE_PREFIX,
      }),
  },
];

const CLOSE_GRACE_MS = 5_000;

/** Closes the queue and the event reader, then their connections (BullMQ leaves given connections open). */
@Injectable()
export class ModelPullQueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MODEL_PULL_QUEUE) private readonly queue: ModelPullQueue,
    @Inject(MODEL_PULL_EVENTS) private readonly events: QueueEvents,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const owners = [this.queue, this.events];
    const closing = Promise.all(owners.map((o) => o.close()));
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]).catch(() => undefined);
    for (const owner of owners) (owner.opts.connection as Redis).disconnect();
  }
}
