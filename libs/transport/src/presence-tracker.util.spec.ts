import { PresenceTracker } from './presence-tracker.util';
import type { TransportRedis } from './redis-connection.factory';

function fakeRedis(answers: number[]) {
  const calls: string[] = [];
  const redis = {
    nitroLiveReplicas: jest.fn(async (key: string) => {
      calls.push(key);
      return answers.shift() ?? 0;
    }),
  } as unknown as TransportRedis;
  return { redis, calls };
}

describe('PresenceTracker', () => {
  it('is unknown until checked, then serves the cached answer without asking Redis', async () => {
    let now = 1_000;
    const { redis, calls } = fakeRedis([2]);
    const tracker = new PresenceTracker(redis, 'ai-router', () => now);
    expect(tracker.cached()).toBeUndefined();
    await expect(tracker.check()).resolves.toBe(true);
    now += 100;
    expect(tracker.cached()).toBe(true);
    expect(calls).toEqual(['nitro:svc:ai-router']);
  });

  it('keeps trusting a stale positive answer while refreshing in the background', async () => {
    let now = 0;
    const { redis, calls } = fakeRedis([1, 0]);
    const tracker = new PresenceTracker(redis, 'svc', () => now);
    await tracker.check();
    now = 1_000; // stale but inside the presence window
    expect(tracker.cached()).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(2);
    expect(tracker.cached()).toBe(false);
  });

  it('does not trust a stale negative answer', async () => {
    let now = 0;
    const { redis } = fakeRedis([0]);
    const tracker = new PresenceTracker(redis, 'svc', () => now);
    await tracker.check();
    expect(tracker.cached()).toBe(false);
    now = 600;
    expect(tracker.cached()).toBeUndefined();
  });

  it('shares one in-flight check between concurrent callers', async () => {
    const { redis, calls } = fakeRedis([1]);
    const tracker = new PresenceTracker(redis, 'svc');
    await Promise.all([tracker.check(), tracker.check(), tracker.check()]);
    expect(calls).toHaveLength(1);
  });
});
