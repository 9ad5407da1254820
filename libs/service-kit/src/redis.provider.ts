import type { Redis } from 'ioredis';
import { createRedisClient, type RedisEndpoint } from '@nitro/transport';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * The service's command connection (not the transport's blocking ones), on any topology
 * (`createRedisClient`: a Cluster at runtime when REDIS_CLUSTER_NODES is set). Commands fail after
 * a timeout instead of queueing forever while Redis is away; ioredis reconnects by itself; commands
 * are auto-pipelined.
 */
export function createRedis(endpoint: RedisEndpoint, name: string): Redis {
  return createRedisClient(endpoint, {
    name,
    commandTimeout: 5_000,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // The commands a request issues in one tick (and those of concurrent requests) leave in one write:
    // each socket write is a syscall that cost ai-router ~10 % of its CPU under load (docs/performance/chat.md).
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
