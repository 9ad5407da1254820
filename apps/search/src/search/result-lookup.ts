import type { ProviderAttemptDto, SearchCommand, VideoSearchCommand } from '@nitro/contracts';
import { DEFAULT_SEARCH_RESULTS } from '@nitro/contracts';
import { cacheKey, type CacheKind } from '../cache/cache-key';
import type { SearchCache } from '../cache/search-cache';
import type { SearchQuery } from '../providers/web-search-provider.interface';
import type { ProviderChain } from './provider-chain';

export interface LookupResult<T> {
  provider: string;
  hits: T[];
  fallbacks: ProviderAttemptDto[];
  cached: boolean;
}

interface Stored<T> {
  provider: string;
  hits: T[];
}

/** Request options with defaults applied, in the form providers take. */
export function toSearchQuery(cmd: SearchCommand | VideoSearchCommand): SearchQuery {
  const o = cmd.options ?? {};
  return {
    query: cmd.query.trim(),
    maxResults: o.max_results ?? DEFAULT_SEARCH_RESULTS,
    region: o.region,
    safeSearch: o.safe_search ?? 'moderate',
    timeRange: o.time_range,
  };
}

/**
 * Cache first, then the provider chain. Identical searches arriving together share one upstream
 * call (per replica), so a burst of the same query costs the provider one request.
 */
export class ResultLookup<T extends { url: string }> {
  private readonly inflight = new Map<string, Promise<Stored<T> & { fallbacks: ProviderAttemptDto[] }>>();

  constructor(
    private readonly kind: CacheKind,
    private readonly chain: ProviderChain<T>,
    private readonly cache: SearchCache,
  ) {}

  async find(query: SearchQuery, requested?: string): Promise<LookupResult<T>> {
    const key = cacheKey(this.kind, { ...query, provider: this.chain.describe(requested) });
    const hit = await this.cache.get<Stored<T>>(this.kind, key);
    if (hit?.provider && Array.isArray(hit.hits)) return { provider: hit.provider, hits: hit.hits, fallbacks: [], cached: true };
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.chain
        .run(query, requested)
        .then(async (out) => {
          const stored: Stored<T> = { provider: out.provider, hits: dedupe(out.hits).slice(0, query.maxResults) };
          await this.cache.set(key, stored);
          return { ...stored, fallbacks: out.fallbacks };
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return { ...(await pending), cached: false };
  }
}

/** Providers (SearXNG above all) can list one URL twice; a citation must point at one result. */
function dedupe<T extends { url: string }>(hits: T[]): T[] {
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.url) && !!seen.add(h.url));
}
