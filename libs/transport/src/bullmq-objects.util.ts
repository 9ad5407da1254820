import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBullmqConnection } from './bullmq-connection';
import { LazyResource } from './lazy-resource.util';
import type { RedisEndpoint } from './redis-client.factory';

/**
 * BullMQ's module, loaded on first use (a plain require, memoised by Node): `require('bullmq')`
 * costs ~4.9 MB of heap that a gateway serving only chat never needs (issue 17). Type-only imports
 * of 'bullmq' elsewhere cost nothing at run time.
 */
export function loadBullmq(): typeof import('bullmq') {
  return require('bullmq');
}

/** Where a BullMQ object lives and who opens its connection (named `nitro:<owner>:bullmq:<role>`). */
export interface BullmqQueueSpec {
  name: string;
  /** The queue's prefix (with a hash tag on Redis Cluster, e.g. MEDIA_QUEUE_PREFIX). */
  prefix: string;
  endpoint: RedisEndpoint;
  owner: string;
  role: string;
}

/** A Queue on its own connection. */
export function createBullmqQueue<D, R>(spec: BullmqQueueSpec): Queue<D, R> {
  const { Queue } = loadBullmq();
  return new Queue<D, R>(spec.name, { connection: createBullmqConnection(spec.endpoint, spec.owner, spec.role), prefix: spec.prefix });
}

/**
 * A QueueEvents reader (own blocking connection) that delivers every event written after this
 * resolves. A reader left to start at '$' starts wherever its first XREAD happens to reach Redis,
 * a round trip or two after it is made, so a job added (or a follower's state read) right after
 * could miss an event; this one starts after the stream's newest entry, read now (XREVRANGE).
 * Waits for Redis at most `readyMs` (ms), then closes the connection and rejects.
 */
export async function openQueueEvents(spec: BullmqQueueSpec, readyMs = 5_000): Promise<QueueEvents> {
  const connection = createBullmqConnection(spec.endpoint, spec.owner, spec.role);
  let timer: NodeJS.Timeout | undefined;
  try {
    const newest = await Promise.race([
      connection.xrevrange(`${spec.prefix}:${spec.name}:events`, '+', '-', 'COUNT', 1),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${readyMs} ms (${spec.name} events)`)), readyMs);
      }),
    ]);
    const { QueueEvents } = loadBullmq();
    return new QueueEvents(spec.name, { connection, prefix: spec.prefix, lastEventId: newest[0]?.[0] ?? '0-0' });
  } catch (err) {
    connection.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** How long shutdown waits for BullMQ to close before the connections are cut anyway. */
const CLOSE_GRACE_MS = 5_000;

/** Closes BullMQ objects (waiting at most CLOSE_GRACE_MS), then their connections: BullMQ leaves connections it was given open. */
export async function closeBullmq(owners: (Queue | QueueEvents)[]): Promise<void> {
  const closing = Promise.all(owners.map((o) => o.close()));
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]).catch(() => undefined);
  for (const owner of owners) (owner.opts.connection as Redis).disconnect();
}

/** A BullMQ object made on first `get()` and closed with closeBullmq at shutdown only if it was made. */
export function lazyBullmq<T extends Queue | QueueEvents>(what: string, make: () => T | Promise<T>): LazyResource<T> {
  return new LazyResource(what, make, (o) => closeBullmq([o]));
}
