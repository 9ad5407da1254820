import { waitFor } from '@nitro/testing';
import { fixtureDir, SENTENCES, spoken, uploadForm } from '../../apps/voice/test/support/audio-fixtures';
import { childrenOf, hangingEngine, processesMatching } from '../../apps/voice/test/support/process-table';
import { Platform, startPlatform } from '../support/platform';

/** These suites make dozens of voice requests a minute; rate limits have their own spec. */
const NO_RATE_LIMIT = { RATE_LIMIT_ENABLED: 'false' };
/** The voice process's own children, live or zombie: after a kill there must be none left. */
const leftovers = (p: Platform) => childrenOf(p.procs.get('voice')!.pid);

/**
 * Engines that hang: the voice service runs fake engine paths (scripts that exec a long sleep).
 * A hang must end in a timeout error naming the engine, or in the job being cancelled when the
 * client goes away, and in both cases the process must be gone from the process table.
 */
describe('voice: hanging engines are killed (gateway + voice, fake engine paths)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureDir();
  });

  describe('at their timeout', () => {
    const sphinx = hangingEngine('pocketsphinx');
    const flite = hangingEngine('flite');
    let p: Platform;
    beforeAll(async () => {
      p = await startPlatform({
        services: ['voice'],
        appEnv: { voice: { POCKETSPHINX_PATH: sphinx.path, FLITE_PATH: flite.path, PROCESS_TIMEOUT_MS: '1000' }, gateway: NO_RATE_LIMIT },
      });
    });
    afterAll(() => p?.stop());

    it('a hanging speech recogniser gives a 504 naming it, and leaves no process', async () => {
      const res = await p.request('/voice/transcribe', {
        method: 'POST',
        body: uploadForm(spoken(SENTENCES[0], dir, 'hang'), 'a.webm', 'audio/webm'),
      });
      expect(res.status).toBe(504);
      const body = await res.json();
      expect(body.error).toBe('TIMEOUT');
      expect(body.message).toMatch(/transcription timed out: .*pocketsphinx: .*did not finish within \d+ ms and was killed/);
      expect(processesMatching(sphinx.marker)).toEqual([]);
      expect(leftovers(p)).toEqual([]);
    });

    it('a hanging synthesizer gives a 504 when that voice was asked for, and leaves no process', async () => {
      const res = await p.request('/voice/speak', { method: 'POST', json: { text: 'hello', voice: 'flite:kal16' } });
      expect(res.status).toBe(504);
      expect((await res.json()).message).toMatch(/flite: .*timed out: .*did not finish within 1000 ms and was killed/);
      expect(processesMatching(flite.marker)).toEqual([]);
      expect(leftovers(p)).toEqual([]);
    });

    it('with no voice asked for, a hanging default engine falls back to espeak-ng', async () => {
      const res = await p.request('/voice/speak', { method: 'POST', json: { text: 'hello' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-voice-engine')).toBe('espeak');
      expect(leftovers(p)).toEqual([]);
    });
  });

  describe('when the client goes away', () => {
    const ffmpeg = hangingEngine('ffmpeg');
    let p: Platform;
    beforeAll(async () => {
      // A kill timer far beyond the test: only the cancellation can end the process in time.
      p = await startPlatform({
        services: ['voice'],
        appEnv: { voice: { FFMPEG_PATH: ffmpeg.path, PROCESS_TIMEOUT_MS: '600000' }, gateway: NO_RATE_LIMIT },
      });
    });
    afterAll(() => p?.stop());

    it('an aborted upload request kills the hanging ffmpeg at once', async () => {
      const ac = new AbortController();
      const pending = p
        .request('/voice/transcribe', {
          method: 'POST',
          body: uploadForm(spoken(SENTENCES[1], dir, 'abort'), 'a.webm', 'audio/webm'),
          signal: ac.signal,
        })
        .catch((e: Error) => e);
      await waitFor(() => processesMatching(ffmpeg.marker).length === 1, { timeoutMs: 30_000, description: 'the fake ffmpeg to start' });
      ac.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
      await waitFor(() => processesMatching(ffmpeg.marker).length === 0 && leftovers(p).length === 0, {
        timeoutMs: 10_000,
        description: 'the fake ffmpeg to be killed and reaped',
      });
    });

    it('an aborted voice-chat stream kills it too', async () => {
      const ac = new AbortController();
      const form = uploadForm(spoken(SENTENCES[2], dir, 'abort-chat'), 'a.webm', 'audio/webm', { user_id: p.userId });
      const pending = p.request('/voice/chat/stream', { method: 'POST', body: form, signal: ac.signal }).catch((e: Error) => e);
      await waitFor(() => processesMatching(ffmpeg.marker).length === 1, { timeoutMs: 30_000, description: 'the fake ffmpeg to start' });
      ac.abort();
      await pending;
      await waitFor(() => processesMatching(ffmpeg.marker).length === 0 && leftovers(p).length === 0, {
        timeoutMs: 10_000,
        description: 'the fake ffmpeg to be killed and reaped',
      });
    });

    it('a voice replica stopped mid-job (SIGTERM) kills its engine and answers 503 "try again"', async () => {
      const pending = p.request('/voice/transcribe', {
        method: 'POST',
        body: uploadForm(spoken(SENTENCES[3], dir, 'shutdown'), 'a.webm', 'audio/webm'),
      });
      await waitFor(() => processesMatching(ffmpeg.marker).length === 1, { timeoutMs: 30_000, description: 'the fake ffmpeg to start' });
      await p.procs.get('voice')!.stop(); // SIGTERM, SIGKILL after 5 s: the engine must be gone before that
      const res = await pending;
      expect(res.status).toBe(503);
      expect((await res.json()).error).toBe('SHUTTING_DOWN');
      expect(processesMatching(ffmpeg.marker)).toEqual([]);
    });
  });
});
