import { ProviderError } from '../providers/provider-error';

export interface RateLimiterOptions {
  /** Average spacing between requests to one provider, ms; 0 = unlimited. */
  minIntervalMs: number;
  burst: number;
  /** Longest a caller queues for a slot before the provider is skipped. */
  maxWaitMs: number;
  backoffMs: number;
  backoffMaxMs: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Where a pause after a 429 is shared, so every replica leaves the provider alone (Redis in production). */
export interface BackoffStore {
  get(provider: string): Promise<number>;
  set(provider: string, until: number, ttlMs: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Per-provider token bucket (this replica) plus exponential backoff after a 429 (shared through
 * the store). A caller either gets a slot within maxWaitMs or a ProviderError right away, so the
 * chain can try the next provider instead of piling requests onto one that asked us to slow down.
 */
export class ProviderRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly pauses = new Map<string, { until: number; level: number }>();

  constructor(
    private readonly opts: RateLimiterOptions,
    private readonly store?: BackoffStore,
    private readonly clock: Clock = realClock,
  ) {}

  async acquire(provider: string): Promise<void> {
    await this.checkPause(provider);
    if (this.opts.minIntervalMs <= 0) return;
    const now = this.clock.now();
    const bucket = this.buckets.get(provider) ?? { tokens: this.opts.burst, updatedAt: now };
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + (now - bucket.updatedAt) / this.opts.minIntervalMs);
    bucket.updatedAt = now;
    this.buckets.set(provider, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const waitMs = Math.ceil((1 - bucket.tokens) * this.opts.minIntervalMs);
    if (waitMs > this.opts.maxWaitMs) {
      throw new ProviderError(
        provider,
        'rate_limited',
        `our own limit: next slot in ${waitMs} ms (PROVIDER_MIN_INTERVAL_MS=${this.opts.minIntervalMs}, PROVIDER_MAX_WAIT_MS=${this.opts.maxWaitMs})`,
      );
    }
    bucket.tokens -= 1; // a reservation: later callers queue behind this one
    await this.clock.sleep(waitMs);
  }

  /** The provider answered 429 (or its equivalent): pause it, longer on each repeat. */
  onRateLimited(provider: string, retryAfterMs?: number): number {
    const level = (this.pauses.get(provider)?.level ?? 0) + 1;
    const pauseMs = Math.min(retryAfterMs ?? this.opts.backoffMs * 2 ** (level - 1), this.opts.backoffMaxMs);
    const until = this.clock.now() + pauseMs;
    this.pauses.set(provider, { until, level });
    void this.store?.set(provider, until, pauseMs).catch(() => undefined);
    return pauseMs;
  }

  onSuccess(provider: string): void {
    this.pauses.delete(provider);
  }

  private async checkPause(provider: string): Promise<void> {
    const now = this.clock.now();
    let until = this.pauses.get(provider)?.until ?? 0;
    if (until <= now && this.store) {
      until = await this.store.get(provider).catch(() => 0);
      if (until > now) this.pauses.set(provider, { until, level: this.pauses.get(provider)?.level ?? 1 });
    }
    if (until > now) {
      throw new ProviderError(
        provider,
        'backing_off',
        `paused for another ${Math.ceil((until - now) / 1000)} s after the provider asked us to slow down (HTTP 429 or a block page)`,
      );
    }
  }
}
