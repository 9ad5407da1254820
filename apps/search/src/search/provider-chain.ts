import { ERROR_CODES, type ProviderAttemptDto } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import { ProviderError } from '../providers/provider-error';
import type { SearchProvider, SearchQuery } from '../providers/web-search-provider.interface';
import type { ProviderRateLimiter } from '../rate-limit/provider-rate-limiter';
import { searchMetrics } from './search.metrics';

export interface ChainOutcome<T> {
  provider: string;
  hits: T[];
  fallbacks: ProviderAttemptDto[];
}

/**
 * Tries providers in the configured order (or only the one asked for): skips those not
 * configured or paused, falls back on timeouts, errors, 429s and changed layouts, and when none
 * can answer throws a 503 listing every provider with the reason it was skipped.
 */
export class ProviderChain<T> {
  private readonly byName: Map<string, SearchProvider<T>>;

  constructor(
    private readonly kind: 'web' | 'video',
    providers: SearchProvider<T>[],
    private readonly order: string[],
    private readonly limiter: ProviderRateLimiter,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }

  /** The part of the cache key that says who may answer. */
  describe(requested?: string): string {
    return requested ?? `auto:${this.order.join(',')}`;
  }

  async run(query: SearchQuery, requested?: string, signal?: AbortSignal): Promise<ChainOutcome<T>> {
    const tried: ProviderAttemptDto[] = [];
    for (const name of requested ? [requested] : this.order) {
      const provider = this.byName.get(name);
      const missing = provider ? provider.unavailable() : 'no such provider';
      if (!provider || missing) {
        tried.push({ provider: name, reason: `not_configured: ${missing}` });
        continue;
      }
      try {
        await this.limiter.acquire(name);
      } catch (err) {
        tried.push({ provider: name, reason: this.failure(name, err) });
        continue;
      }
      const stop = searchMetrics.providerDuration.startTimer({ kind: this.kind, provider: name });
      try {
        const hits = await provider.search(query, signal);
        stop();
        this.limiter.onSuccess(name);
        searchMetrics.providerRequests.inc({ kind: this.kind, provider: name, outcome: 'ok' });
        return { provider: name, hits, fallbacks: tried };
      } catch (err) {
        stop();
        let reason = this.failure(name, err);
        if (err instanceof ProviderError && err.kind === 'rate_limited') {
          const pauseMs = this.limiter.onRateLimited(name, err.retryAfterMs);
          searchMetrics.providerBackoffs.inc({ provider: name });
          reason += `; pausing it for ${Math.ceil(pauseMs / 1000)} s`;
        }
        tried.push({ provider: name, reason });
        getLogger().warn({ provider: name, kind: this.kind, reason }, 'search provider failed; trying the next one');
      }
    }
    const list = tried.map((t) => `${t.provider} (${t.reason})`).join('; ');
    throw new ServiceError(503, ERROR_CODES.noProvider, `no ${this.kind} search provider could answer; tried: ${list}`, { tried });
  }

  private failure(name: string, err: unknown): string {
    const kind = err instanceof ProviderError ? err.kind : 'error';
    searchMetrics.providerRequests.inc({ kind: this.kind, provider: name, outcome: kind });
    if (!(err instanceof ProviderError)) getLogger().error({ err, provider: name }, 'unexpected search provider error');
    return err instanceof ProviderError ? err.reason : `error: ${(err as Error)?.message ?? String(err)}`;
  }
}
