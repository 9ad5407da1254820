import { waitFor } from '@nitro/testing';
import { liveProcessCount, ProcessError, runProcess } from '../src/audio/process-runner';
import { childrenOf, hangingEngine, processesMatching } from './support/process-table';

/** The runner against real processes: output, failures, and no process left behind whatever happens. */
describe('runProcess (real child processes)', () => {
  it('returns stdout and feeds stdin', async () => {
    const { stdout } = await runProcess('cat', [], { timeoutMs: 10_000, input: Buffer.from('hello engine') });
    expect(stdout.toString()).toBe('hello engine');
  });

  it('reports a non-zero exit with the tail of stderr', async () => {
    const err = await runProcess('sh', ['-c', 'echo "bad input file" >&2; exit 3'], { timeoutMs: 10_000 }).catch((e: ProcessError) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err).toMatchObject({ kind: 'failed', exitCode: 3 });
    expect((err as ProcessError).message).toMatch(/exited with 3: bad input file/);
  });

  it('reports a missing command as missing, not as a crash', async () => {
    await expect(runProcess('/nonexistent/engine', [], { timeoutMs: 10_000 })).rejects.toMatchObject({ kind: 'missing' });
  });

  it('kills a hanging engine at its timeout and leaves no process, not even a zombie', async () => {
    const engine = hangingEngine('runner-timeout');
    const err = await runProcess(engine.path, ['-i', 'x.wav'], { timeoutMs: 300 }).catch((e: ProcessError) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect((err as ProcessError).message).toMatch(/did not finish within 300 ms and was killed/);
    expect(processesMatching(engine.marker)).toEqual([]);
    expect(childrenOf(process.pid).filter((p) => p.args.includes('sleep') || p.stat.startsWith('Z'))).toEqual([]);
    expect(liveProcessCount()).toBe(0);
  });

  it('kills the engine as soon as the job is aborted', async () => {
    const engine = hangingEngine('runner-abort');
    const ac = new AbortController();
    const running = runProcess(engine.path, [], { timeoutMs: 60_000, signal: ac.signal });
    await waitFor(() => processesMatching(engine.marker).length > 0, { description: 'the fake engine to start' });
    ac.abort();
    await expect(running).rejects.toMatchObject({ kind: 'aborted' });
    expect(processesMatching(engine.marker)).toEqual([]);
    expect(liveProcessCount()).toBe(0);
  });

  it('does not start at all for an already cancelled job', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runProcess('sleep', ['5'], { timeoutMs: 10_000, signal: ac.signal })).rejects.toMatchObject({ kind: 'aborted' });
    expect(liveProcessCount()).toBe(0);
  });

  it('stops an engine whose output runs past the cap', async () => {
    await expect(runProcess('head', ['-c', '100000', '/dev/zero'], { timeoutMs: 10_000, maxOutputBytes: 1000 })).rejects.toMatchObject({
      kind: 'output_too_large',
    });
  });
});
