import type { Redis } from 'ioredis';
import type { BackoffStore } from './provider-rate-limiter';

/** `search:backoff:<provider>` = the time the pause ends, expiring with it. */
export class RedisBackoffStore implements BackoffStore {
  constructor(private readonly redis: Redis) {}

  async get(provider: string): Promise<number> {
    return Number((await this.redis.get(`search:backoff:${provider}`)) ?? 0);
  }

  async set(provider: string, until: number, ttlMs: number): Promise<void> {
    await this.redis.set(`search:backoff:${provider}`, String(until), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }
}
