import type { Redis } from 'ioredis';
import { getLogger } from '@nitro/observability';
import { createRedisClient, type RedisEndpoint } from './redis-client.factory';

/**
 * A Redis connection for one BullMQ object (queue, queue events, worker). BullMQ needs
 * `maxRetriesPerRequest: null` on connections that block (worker, events): their reads wait on
 * purpose. The name (`nitro:<owner>:bullmq:<role>`) shows in CLIENT LIST; errors are logged at
 * debug level because ioredis reconnects by itself. On Redis Cluster the queue's prefix must carry a
 * hash tag (MEDIA_QUEUE_PREFIX, AGENTS_QUEUE_PREFIX) so each queue's keys share one slot. BullMQ does not close connections it was
 * given: the owner does (the media queue lifecycle, the media worker, the agents scheduler).
 */
export function createBullmqConnection(endpoint: RedisEndpoint, owner: string, role: string): Redis {
  const redis = createRedisClient(endpoint, { maxRetriesPerRequest: null, name: `nitro:${owner}:bullmq:${role}` });
  redis.on('error', (err) => getLogger().debug({ err, owner, role }, 'bullmq redis connection error'));
  return redis;
}
