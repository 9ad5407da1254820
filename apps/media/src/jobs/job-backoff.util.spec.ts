import { providerAwareBackoff } from './job-backoff.util';
import { ImageJobFailure } from './image-job.errors';

describe('providerAwareBackoff', () => {
  const backoff = providerAwareBackoff(1000);

  it('doubles from the base delay', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("waits for the provider's Retry-After when that is longer", () => {
    expect(backoff(1, 'x', new ImageJobFailure(503, 'RATE_LIMITED', 'slow down', true, 30_000))).toBe(30_000);
    expect(backoff(3, 'x', new ImageJobFailure(503, 'RATE_LIMITED', 'slow down', true, 500))).toBe(4000);
  });

  it('never parks a job for more than ten minutes', () => {
    expect(backoff(30)).toBe(600_000);
    expect(backoff(1, 'x', new ImageJobFailure(503, 'RATE_LIMITED', 'x', true, 86_400_000))).toBe(600_000);
  });
});
