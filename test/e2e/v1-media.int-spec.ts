import OpenAI, { toFile } from 'openai';
import { DEFAULT_OPENAI_VOICE_MAP, OPENAI_VOICE_NAMES, parseVoiceMap } from '@nitro/config';
import { SENTENCES } from '../../apps/voice/test/support/audio-fixtures';
import { wordAccuracy } from '../../apps/voice/test/support/word-accuracy';
import { startLocalS3, type LocalS3 } from '../../apps/media/test/support/local-s3';
import { Platform, startPlatform } from '../support/platform';

/**
 * /v1 images and audio with the official `openai` SDK: images through the media queue on the
 * procedural provider; speech (flite) then transcription (pocketsphinx) of the result.
 */
describe('/v1 images and audio with the openai SDK (gateway + media + voice)', () => {
  let p: Platform;
  let s3: LocalS3;
  let client: OpenAI;

  beforeAll(async () => {
    s3 = await startLocalS3();
    p = await startPlatform({
      services: ['media', 'voice'],
      env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      appEnv: { media: { GALLERY_SWEEP_INTERVAL_MS: '0' } },
    });
    const key = await p.request('/auth/api-keys', { method: 'POST', json: { name: 'openai sdk' } });
    client = new OpenAI({ apiKey: (await key.json()).key, baseURL: `${p.baseUrl}/v1`, maxRetries: 0, timeout: 120_000 });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    await s3?.stop();
  });

  it('images.generate on the procedural provider: b64_json is a PNG, url is the gallery download', async () => {
    const b64 = await client.images.generate({
      model: 'procedural',
      prompt: 'a lighthouse at dusk',
      size: '256x256',
      response_format: 'b64_json',
    });
    const png = Buffer.from(b64.data![0].b64_json!, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const url = await client.images.generate({ model: 'dall-e-2', prompt: 'a red square', size: '256x256' });
    expect(url.data![0].url).toMatch(/^\/gallery\/download\/img-[0-9a-f]+-0\.png$/);
    const download = await p.request(url.data![0].url!);
    expect(download.status).toBe(200);
    const bad = await client.images.generate({ model: 'procedural', prompt: 'x', size: '100x100' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('size');
  });

  it('audio.speech then audio.transcriptions: the words come back (accuracy >= 0.8)', async () => {
    const sentence = SENTENCES[0];
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: sentence, response_format: 'wav' });
    expect(speech.headers.get('content-type')).toContain('audio/wav');
    const wav = Buffer.from(await speech.arrayBuffer());
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    const text = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }),
    });
    expect(wordAccuracy(sentence, text.text)).toBeGreaterThanOrEqual(0.8);
    const plain = await client.audio.transcriptions.create({
      model: 'whisper-1',
      file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }),
      response_format: 'text',
    });
    expect(typeof plain).toBe('string');
    expect(wordAccuracy(sentence, String(plain))).toBeGreaterThanOrEqual(0.8);
  });

  it('speech: different OpenAI voices reach different configured voices (OPENAI_VOICE_MAP defaults, all of them real; X-Voice names it)', async () => {
    const spoken: Record<string, string | null> = {};
    for (const voice of OPENAI_VOICE_NAMES) {
      const res = await client.audio.speech.create({ model: 'tts-1', voice, input: 'Hello there.', response_format: 'wav' });
      spoken[voice] = res.headers.get('x-voice');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect(spoken).toEqual(parseVoiceMap(DEFAULT_OPENAI_VOICE_MAP));
    expect(spoken).toMatchObject({ alloy: 'flite:kal16', nova: 'flite:slt', fable: 'espeak:en-gb' });
  });

  it('speech refuses an unknown model and an over-long input with OpenAI-shaped errors', async () => {
    const model = await client.audio.speech.create({ model: 'nope', voice: 'alloy', input: 'hi' }).catch((e: unknown) => e);
    expect(model).toBeInstanceOf(OpenAI.BadRequestError);
    expect((model as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
    const long = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'word '.repeat(3000) }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect((long as Error).message).toMatch(/limit/);
  });
});
