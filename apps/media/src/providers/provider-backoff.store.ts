import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '@nitro/service-kit';

const key = (provider: string) => `nitro:media:provider-backoff:${provider}`;

/**
 * A provider that answered 429 is skipped by every replica until its Retry-After has passed:
 * one key with a TTL in Redis, so the replicas do not each hit the limit again.
 */
@Injectable()
export class ProviderBackoffStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async set(provider: string, ms: number): Promise<void> {
    if (ms > 0) await this.redis.set(key(provider), String(Date.now() + ms), 'PX', Math.ceil(ms));
  }

  /** Milliseconds left, 0 when the provider may be asked again. */
  async remaining(provider: string): Promise<number> {
    const ttl = await this.redis.pttl(key(provider));
    return ttl > 0 ? ttl : 0;
  }
}
