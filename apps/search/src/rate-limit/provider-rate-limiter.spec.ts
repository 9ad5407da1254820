import { ProviderError } from '../providers/provider-error';
import { ProviderRateLimiter, type BackoffStore, type Clock } from './provider-rate-limiter';

/** A clock the test moves by hand; sleeps are recorded and return at once, so no real time passes. */
function fakeClock(): Clock & { t: number; slept: number[] } {
  const c = { t: 1_000_000, slept: [] as number[], now: () => c.t, sleep: async (ms: number) => void c.slept.push(ms) };
  return c;
}

const opts = { minIntervalMs: 100, burst: 2, maxWaitMs: 250, backoffMs: 1_000, backoffMaxMs: 4_000 };
const kindOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e) => (e instanceof ProviderError ? e.kind : 'other'),
  );

describe('ProviderRateLimiter', () => {
  it('lets a burst through, then spaces requests, then refuses instead of queueing too long', async () => {
    const clock = fakeClock();
    const limiter = new ProviderRateLimiter(opts, undefined, clock);
    await limiter.acquire('ddg');
    await limiter.acquire('ddg');
    expect(clock.slept).toEqual([]);
    const third = limiter.acquire('ddg'); // waits for one interval
    const fourth = limiter.acquire('ddg'); // queued behind it: two intervals
    const fifth = limiter.acquire('ddg'); // would be three intervals (300 ms) > maxWait
    expect(await kindOf(fifth)).toBe('rate_limited');
    await Promise.all([third, fourth]);
    expect(clock.slept).toEqual([100, 200]);
  });

  it('keeps providers apart', async () => {
    const limiter = new ProviderRateLimiter(opts, undefined, fakeClock());
    await limiter.acquire('a');
    await limiter.acquire('a');
    expect(await kindOf(limiter.acquire('b'))).toBe('ok');
  });

  it('backs off after a 429, doubling up to the cap, and honours Retry-After', async () => {
    const clock = fakeClock();
    const limiter = new ProviderRateLimiter({ ...opts, minIntervalMs: 0 }, undefined, clock);
    expect(limiter.onRateLimited('ddg')).toBe(1_000);
    expect(await kindOf(limiter.acquire('ddg'))).toBe('backing_off');
    clock.t += 1_000;
    expect(await kindOf(limiter.acquire('ddg'))).toBe('ok');
    expect(limiter.onRateLimited('ddg')).toBe(2_000);
    expect(limiter.onRateLimited('ddg')).toBe(4_000);
    expect(limiter.onRateLimited('ddg')).toBe(4_000);
    limiter.onSuccess('ddg');
    expect(limiter.onRateLimited('ddg', 1_500)).toBe(1_500);
  });

  it('shares a pause through the store (another replica saw the 429)', async () => {
    const clock = fakeClock();
    const shared = new Map<string, number>();
    const store: BackoffStore = { get: async (p) => shared.get(p) ?? 0, set: async (p, until) => void shared.set(p, until) };
    const a = new ProviderRateLimiter({ ...opts, minIntervalMs: 0 }, store, clock);
    const b = new ProviderRateLimiter({ ...opts, minIntervalMs: 0 }, store, clock);
    a.onRateLimited('brave', 5_000);
    await Promise.resolve();
    expect(await kindOf(b.acquire('brave'))).toBe('backing_off');
    clock.t += 5_000;
    expect(await kindOf(b.acquire('brave'))).toBe('ok');
  });
});
