import { Deadline } from './deadline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Deadline', () => {
  it('aborts after timeoutMs of silence and says it timed out', async () => {
    const d = new Deadline(20);
    await sleep(60);
    expect([d.signal.aborted, d.timedOut, d.callerAborted]).toEqual([true, true, false]);
    expect((d.signal.reason as Error).message).toBe('no answer within 20 ms');
  });

  it("follows any caller's signal, with that signal's reason", () => {
    const a = new AbortController();
    const b = new AbortController();
    const d = new Deadline(10_000, undefined, a.signal, b.signal);
    b.abort('client left');
    expect([d.signal.aborted, d.signal.reason, d.callerAborted, d.timedOut]).toEqual([true, 'client left', true, false]);
    d.dispose();
  });

  it('starts aborted when a caller already is', () => {
    const d = new Deadline(10_000, AbortSignal.abort('gone'));
    expect([d.signal.aborted, d.signal.reason]).toEqual([true, 'gone']);
  });

  it('touch() restarts the timer: steady progress is never cut', async () => {
    const d = new Deadline(40);
    for (let i = 0; i < 5; i++) {
      await sleep(20);
      d.touch();
    }
    expect(d.signal.aborted).toBe(false);
    d.dispose();
  });

  it('dispose() stops the timer and detaches from the callers (their later abort does not reach it)', async () => {
    const caller = new AbortController();
    const d = new Deadline(20, caller.signal);
    d.dispose();
    caller.abort('late');
    await sleep(50);
    expect(d.signal.aborted).toBe(false);
  });

  it('dispose(true) cancels whatever still uses the signal', () => {
    const d = new Deadline(10_000);
    d.dispose(true);
    expect([d.signal.aborted, d.timedOut]).toEqual([true, false]);
  });
});
