import { Redis } from 'ioredis';
import { getLogger } from '@nitro/observability';

/**
 * A Redis connection for one BullMQ object (queue, queue events, worker). BullMQ needs
 * `maxRetriesPerRequest: null` on connections that block (worker, events): their reads wait on
 * purpose. The name (`nitro:<owner>:bullmq:<role>`) shows in CLIENT LIST; errors are logged at
 * debug level because ioredis reconnects by itself. BullMQ does not close connections it was
 * given: the owner does (the media queue lifecycle, the media worker, the agents scheduler).
 */
export function createBullmqConnection(redisUrl: string, owner: string, role: string): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: `nitro:${owner}:bullmq:${role}` });
  redis.on('error', (err) => getLogger().debug({ err, owner, role }, 'bullmq redis connection error'));
  return redis;
}
