import { waitFor } from './wait-for.util';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('retries while the function throws', async () => {
    let n = 0;
    const value = await waitFor(
      () => {
        if (++n < 2) throw new Error('not yet');
        return 'ok';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ok');
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('boom');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'redis up' },
      ),
    ).rejects.toThrow(/waitFor\(redis up\) timed out after 30 ms: last error: boom/);
  });
});
