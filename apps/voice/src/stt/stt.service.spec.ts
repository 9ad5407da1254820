import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import { ProcessError } from '../audio/process-runner';
import { wavHeader } from '../audio/wav.util';
import type { ClaimCheck } from '@nitro/transport';
import type { AudioTranscoder } from '../audio/audio-transcoder.service';
import type { SttEngineName, SttProvider, SttRequest } from './stt-provider.interface';
import { SttService } from './stt.service';

const BLOB = '0f8fad5b-d9cb-469f-a165-70867728950e';
const upload = { blob_id: BLOB, filename: 'a.webm', mimetype: 'audio/webm', bytes: 10 };

function engine(
  name: SttEngineName,
  behaviour: { unavailable?: string; unsuitable?: string; fail?: unknown; text?: string },
): SttProvider & { calls: SttRequest[] } {
  const calls: SttRequest[] = [];
  return {
    name,
    calls,
    unavailable: () => behaviour.unavailable ?? null,
    unsuitable: () => behaviour.unsuitable ?? null,
    transcribe: async (req) => {
      calls.push(req);
      if (behaviour.fail) throw behaviour.fail;
      return { text: behaviour.text ?? `${name} heard this`, language: req.language };
    },
  };
}

function service(providers: SttProvider[], blob: Buffer | null = Buffer.from('webm bytes')) {
  const env = Object.assign(new VoiceEnv(), { MAX_UPLOAD_BYTES: 1000 });
  const transcoder = {
    probe: jest.fn(async () => ({ format: 'matroska,webm', duration: 2 })),
    decodeForSpeech: jest.fn(async () => ({ wav: Buffer.concat([wavHeader(64000, 16000), Buffer.alloc(64000)]), duration: 2 })),
  } as unknown as AudioTranscoder;
  const blobs = { take: jest.fn(async () => blob), drop: jest.fn(async () => undefined) } as unknown as ClaimCheck;
  return { stt: new SttService(env, providers, transcoder, blobs), transcoder, blobs };
}

const signal = () => new AbortController().signal;

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected a failure');
}

describe('SttService', () => {
  it('skips engines that are not configured or not suitable, falls back on errors, and says so', async () => {
    const whisper = engine('whisper', { unavailable: 'not configured: set WHISPER_URL' });
    const google = engine('google', { fail: new Error('Google Speech-to-Text: HTTP 503 UNAVAILABLE') });
    const sphinx = engine('pocketsphinx', {});
    const { stt } = service([whisper, google, sphinx]);
    const out = await stt.transcribeUpload(upload, 'en-US', signal());
    expect(out).toMatchObject({ text: 'pocketsphinx heard this', engine: 'pocketsphinx', language: 'en-US', duration: 2 });
    expect(out.fallbacks).toEqual([
      { engine: 'whisper', reason: 'not configured: set WHISPER_URL' },
      { engine: 'google', reason: 'Google Speech-to-Text: HTTP 503 UNAVAILABLE' },
    ]);
    expect(whisper.calls).toHaveLength(0);
    expect(sphinx.calls[0].wav.length).toBe(64044);
  });

  it('uses the configured language when the request gives none', async () => {
    const sphinx = engine('pocketsphinx', {});
    await service([sphinx]).stt.transcribeUpload(upload, undefined, signal());
    expect(sphinx.calls[0].language).toBe('en-US');
  });

  it('answers 504 when every engine it tried timed out', async () => {
    const hung = new ProcessError(
      'timeout',
      'pocketsphinx_continuous',
      'pocketsphinx_continuous did not finish within 100 ms and was killed',
    );
    const err = await failure(
      service([engine('google', { unavailable: 'not configured' }), engine('pocketsphinx', { fail: hung })]).stt.transcribeUpload(
        upload,
        'en-US',
        signal(),
      ),
    );
    expect(err.status).toBe(504);
    expect(err.message).toMatch(/timed out.*pocketsphinx/);
  });

  it('answers 503 naming every engine and why when none could serve', async () => {
    const missing = new ProcessError('missing', 'pocketsphinx_continuous', 'not installed');
    const err = await failure(
      service([
        engine('whisper', { unavailable: 'not configured: set WHISPER_URL' }),
        engine('pocketsphinx', { fail: missing }),
      ]).stt.transcribeUpload(upload, 'en-US', signal()),
    );
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/whisper: not configured: set WHISPER_URL; pocketsphinx: .*apt-get install pocketsphinx/);
  });

  it('stops at once, without trying more engines, when the job is cancelled', async () => {
    const ac = new AbortController();
    const first: SttProvider = { ...engine('whisper', {}), transcribe: async () => (ac.abort(), Promise.reject(new Error('aborted'))) };
    const second = engine('pocketsphinx', {});
    const err = await failure(service([first, second]).stt.transcribeUpload(upload, 'en-US', ac.signal));
    expect(err.status).toBe(499);
    expect(second.calls).toHaveLength(0);
  });

  it.each([
    ['a missing blob id', { ...upload, blob_id: '../x' }, Buffer.from('x'), 400, /a file is required/],
    ['an unsupported type', { ...upload, mimetype: 'image/png', filename: 'a.png' }, Buffer.from('x'), 415, /not supported/],
    ['an expired upload', upload, null, 400, /expired/],
    ['an empty upload', upload, Buffer.alloc(0), 400, /empty/],
    ['an upload over the limit', upload, Buffer.alloc(1001), 413, /limit of 1000 bytes/],
  ])('refuses %s before running any engine', async (_name, ref, blob, status, message) => {
    const sphinx = engine('pocketsphinx', {});
    const { stt, transcoder } = service([sphinx], blob as Buffer | null);
    const err = await failure(stt.transcribeUpload(ref, 'en-US', signal()));
    expect(err.status).toBe(status);
    expect(err.message).toMatch(message);
    expect(transcoder.probe).not.toHaveBeenCalled();
    expect(sphinx.calls).toHaveLength(0);
  });
});
