import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisEndpoint } from './redis-client.factory';

export interface ConnectionRole {
  /** Shows up in CLIENT LIST, so an operator can tell the transport's connections apart. */
  name: string;
  /** Dedicated connection for XREAD/XREADGROUP BLOCK: waits through reconnects instead of failing. */
  blocking?: boolean;
  /** Fail commands at once while disconnected (client side: better a clear error than a silent queue). */
  failFastWhenDown?: boolean;
}

/**
 * Lua scripts used by the transport. Both read the Redis server clock (TIME) so presence does not
 * depend on the clocks of the hosts running the services.
 */
const SCRIPTS = {
  /** KEYS[1]=presence zset, ARGV[1]=consumer, ARGV[2]=keep ms. Records a heartbeat, prunes long-gone replicas. */
  nitroHeartbeat: `
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('ZADD', KEYS[1], now, ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return now`,
  /** KEYS[1]=presence zset, ARGV[1]=window ms. Number of replicas that heartbeated within the window. */
  nitroLiveReplicas: `
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')`,
  /**
   * KEYS[1]=request stream, ARGV[1]=group, ARGV[2]=consumer, ARGV[3..]=entry ids still being handled.
   * Resets the idle time of those entries that this consumer still owns (XCLAIM … JUSTID), so
   * XAUTOCLAIM elsewhere only ever takes entries of dead replicas. The ownership check matters:
   * a plain XCLAIM would steal back an entry another replica already reclaimed.
   */
  nitroTouch: `
    local args = { 'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0 }
    for i = 3, #ARGV do
      local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
      if p[1] and p[1][2] == ARGV[2] then args[#args + 1] = ARGV[i] end
    end
    if #args == 5 then return 0 end
    args[#args + 1] = 'JUSTID'
    redis.call(unpack(args))
    return #args - 6`,
};

export type TransportRedis = Redis & {
  nitroHeartbeat(key: string, consumer: string, keepMs: number): Promise<number>;
  nitroLiveReplicas(key: string, windowMs: number): Promise<number>;
  nitroTouch(key: string, group: string, consumer: string, ...ids: string[]): Promise<number>;
};

export function createRedisConnection(endpoint: RedisEndpoint, role: ConnectionRole, logger: Logger): TransportRedis {
  const redis = createRedisClient(endpoint, {
    name: role.name,
    // RESP2 keeps XREAD/XINFO reply shapes plain arrays (RESP3 would turn some into maps).
    protocol: 2,
    // Reconnect quickly after a Redis restart; the default backoff goes up to 5 s.
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    maxRetriesPerRequest: role.blocking ? null : 20,
    enableOfflineQueue: !role.failFastWhenDown,
    // Many small commands per tick (XADD, XACK) leave in one write.
    enableAutoPipelining: !role.blocking,
    lazyConnect: true,
  }) as TransportRedis;
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });

  // Log connection state changes once each, not every retry.
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn(`redis ${role.name}: ${err.message}`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.log(`redis ${role.name}: reconnected`);
    down = false;
  });
  return redis;
}

/** Waits for the connection to be usable; `lazyConnect` lets the caller attach listeners first. */
export async function openConnection(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'wait') {
    await redis.connect();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('end', () => reject(new Error('redis connection ended')));
  });
}

export const isNoGroupError = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOGROUP');
export const isBusyGroupError = (err: unknown): boolean => err instanceof Error && err.message.startsWith('BUSYGROUP');
