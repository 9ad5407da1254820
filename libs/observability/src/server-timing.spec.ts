import { collectingTimings, recordTiming, serverTimingHeader, timed } from './server-timing';
import { traceContext } from './trace-context';

describe('server timing', () => {
  it('formats W3C Server-Timing entries: token names, dur in ms with two decimals, quoted desc', () => {
    expect(
      serverTimingHeader([
        { name: 'auth', dur: 0.1234 },
        { name: 'ai router', dur: 2, desc: 'chat "send"' },
      ]),
    ).toBe('auth;dur=0.12, ai-router;dur=2.00;desc="chat  send "');
  });

  it('records only inside a request that collects timings', async () => {
    recordTiming('outside', 1);
    expect(collectingTimings()).toBe(false);
    const timings: { name: string; dur: number }[] = [];
    await traceContext.run({ traceId: 't', timings }, async () => {
      expect(collectingTimings()).toBe(true);
      await timed('work', () => new Promise((r) => setTimeout(r, 5)));
      await expect(timed('fails', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    });
    expect(timings.map((t) => t.name)).toEqual(['work', 'fails']);
    expect(timings[0].dur).toBeGreaterThan(0);
  });
});
