import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import type { ClaimCheck } from '@nitro/transport';
import type { AudioTranscoder } from '../audio/audio-transcoder.service';
import { ProcessError } from '../audio/process-runner';
import { wavHeader } from '../audio/wav.util';
import type { SynthesisRequest, TtsProvider, TtsVoice } from './tts-provider.interface';
import { TtsService } from './tts.service';
import type { VoiceCatalog } from './voice-catalog.service';

const kal16: TtsVoice = { engine: 'flite', name: 'kal16', languages: ['en-US'] };
const enUs: TtsVoice = { engine: 'espeak', name: 'en-us', languages: ['en-us'] };
const WAV = Buffer.concat([wavHeader(32000, 16000), Buffer.alloc(32000)]);

function engine(name: 'flite' | 'espeak', fail?: unknown): TtsProvider & { calls: SynthesisRequest[] } {
  const calls: SynthesisRequest[] = [];
  return {
    name,
    calls,
    unavailable: () => null,
    voices: async () => [],
    synthesize: async (req) => (calls.push(req), fail ? Promise.reject(fail) : WAV),
  };
}

function setup(engines: TtsProvider[], voices: TtsVoice[] = [kal16, enUs]) {
  const env = Object.assign(new VoiceEnv(), { MAX_TTS_CHARS: 20 });
  const catalog = {
    candidates: jest.fn(async () => ({ voices, skipped: [] })),
    provider: (n: string) => engines.find((e) => e.name === n),
  } as unknown as VoiceCatalog;
  const transcoder = {
    encode: jest.fn(async (w: Buffer, format: string) => (format === 'wav' ? w : Buffer.from(`${format}-bytes`))),
  } as unknown as AudioTranscoder;
  const blobs = { put: jest.fn(async () => 'blob-1') } as unknown as ClaimCheck;
  return { tts: new TtsService(env, catalog, transcoder, blobs), catalog, transcoder };
}

const signal = () => new AbortController().signal;

describe('TtsService', () => {
  it('speaks with the first voice, converts to the format asked and names engine and voice', async () => {
    const flite = engine('flite');
    const { tts } = setup([flite, engine('espeak')]);
    const ref = await tts.speak({ job_id: 'job-12345678', text: ' Hello there ', format: 'mp3', rate: 1.5 }, signal());
    expect(ref).toEqual({ blob_id: 'blob-1', bytes: 9, format: 'mp3', content_type: 'audio/mpeg', engine: 'flite', voice: 'flite:kal16' });
    expect(flite.calls[0]).toMatchObject({ text: 'Hello there', rate: 1.5, voice: kal16 });
  });

  it('falls back to the next candidate voice when an engine fails', async () => {
    const { tts } = setup([engine('flite', new ProcessError('failed', 'flite', 'flite exited with 1')), engine('espeak')]);
    const out = await tts.synthesize('hi', undefined, 1, signal());
    expect(out.voice).toBe(enUs);
    expect(out.duration).toBe(1);
  });

  it('answers 504 when every engine timed out, 503 when they failed otherwise', async () => {
    const hang = new ProcessError('timeout', 'flite', 'flite did not finish within 100 ms and was killed');
    const timedOut = await setup([engine('flite', hang)], [kal16])
      .tts.synthesize('hi', undefined, 1, signal())
      .catch((e: ServiceError) => e);
    expect(timedOut).toMatchObject({ status: 504 });
    const broken = await setup([engine('flite', new Error('bad voice file'))], [kal16])
      .tts.synthesize('hi', undefined, 1, signal())
      .catch((e: ServiceError) => e);
    expect(broken).toMatchObject({ status: 503 });
    expect((broken as ServiceError).message).toMatch(/flite: bad voice file/);
  });

  it.each([
    ['text over MAX_TTS_CHARS', { text: 'x'.repeat(21) }, /limit is 20/],
    ['blank text', { text: '   ' }, /something to say/],
    ['rate out of range', { text: 'hi', rate: 3 }, /rate/],
  ])('refuses %s with a 400 before synthesizing', async (_name, fields, message) => {
    const flite = engine('flite');
    const err = await setup([flite])
      .tts.speak({ job_id: 'job-12345678', ...fields }, signal())
      .catch((e: ServiceError) => e);
    expect(err).toMatchObject({ status: 400 });
    expect((err as ServiceError).message).toMatch(message);
    expect(flite.calls).toHaveLength(0);
  });
});
