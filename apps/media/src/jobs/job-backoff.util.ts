/** Longest single wait between attempts, so a silly Retry-After cannot park a job for a day. */
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * BullMQ backoff strategy for image jobs: exponential from `baseMs`, or the provider's own
 * Retry-After (carried on the error) when that is longer.
 */
export function providerAwareBackoff(baseMs: number) {
  return (attemptsMade: number, _type?: string, err?: Error): number => {
    const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
    const asked = (err as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
    return Math.min(MAX_BACKOFF_MS, Math.max(exponential, asked));
  };
}
