import type { Redis } from 'ioredis';
import { getLogger } from '@nitro/observability';
import type { CacheKind } from './cache-key';
import { searchMetrics } from '../search/search.metrics';

/**
 * Provider results in Redis with a TTL. A Redis failure is a cache miss (logged), never a failed
 * search: the cache saves upstream calls, it is not a dependency.
 */
export class SearchCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  async get<T>(kind: CacheKind, key: string): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    let raw: string | null = null;
    try {
      raw = await this.redis.get(key);
    } catch (err) {
      getLogger().warn({ err: (err as Error).message }, 'search cache read failed; treating as a miss');
    }
    const value = raw ? safeParse<T>(raw) : undefined;
    (value === undefined ? searchMetrics.cacheMisses : searchMetrics.cacheHits).inc({ kind });
    return value;
  }

  async set(key: string, value: unknown): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.redis.set(key, JSON.stringify(value), 'EX', this.ttlSeconds);
    } catch (err) {
      getLogger().warn({ err: (err as Error).message }, 'search cache write failed');
    }
  }
}

function safeParse<T>(raw: string): T | undefined {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
