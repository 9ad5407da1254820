import { Redis } from 'ioredis';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * The service's command connection (not the transport's blocking ones). Commands fail after a
 * timeout instead of queueing forever while Redis is away; ioredis reconnects by itself.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    commandTimeout: 5_000,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
