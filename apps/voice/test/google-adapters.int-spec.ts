import { VoiceEnv } from '@nitro/config';
import { waitFor } from '@nitro/testing';
import { wavHeader } from '../src/audio/wav.util';
import { GoogleSpeechSttProvider } from '../src/stt/google-speech.stt-provider';
import type { SttRequest } from '../src/stt/stt-provider.interface';
import { GoogleTtsProvider } from '../src/tts/google-tts.tts-provider';
import { googleError, json, startFakeServer, type FakeServer } from './support/fake-http';

const PCM = Buffer.alloc(16000 * 2, 7); // one second of 16 kHz mono
const WAV = Buffer.concat([wavHeader(PCM.length, 16000), PCM]);
const sttRequest = (signal = new AbortController().signal): SttRequest => ({
  wav: WAV,
  wavPath: '/unused.wav',
  duration: 1,
  language: 'en-GB',
  signal,
});
const body = (s: FakeServer, i = -1) => JSON.parse(s.seen.at(i)!.body.toString());

/**
 * The Google adapters with the real client libraries, over their REST transport, against a local
 * server answering in the documented formats (speech:recognize, text:synthesize, voices).
 */
describe('Google Cloud adapters against a local REST server', () => {
  // The client libraries load their protos on first use (seconds on a busy 2-core machine).
  jest.setTimeout(60_000);
  let server: FakeServer;
  let env: VoiceEnv;
  let stt: GoogleSpeechSttProvider;
  let tts: GoogleTtsProvider;
  beforeAll(async () => {
    server = await startFakeServer();
    env = Object.assign(new VoiceEnv(), { GOOGLE_API_KEY: 'test-key', GOOGLE_API_ENDPOINT: server.url, GOOGLE_TIMEOUT_MS: 5000 });
    stt = new GoogleSpeechSttProvider(env);
    tts = new GoogleTtsProvider(env);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
    server.abandoned = 0;
  });

  describe('Speech-to-Text (v1 speech:recognize)', () => {
    it('sends LINEAR16 PCM with word offsets and reads transcript, words and confidence', async () => {
      server.respond((_req, res) =>
        json(res, 200, {
          results: [
            {
              alternatives: [
                {
                  transcript: 'Hello there',
                  confidence: 0.9,
                  words: [
                    { startTime: '0.100s', endTime: '0.500s', word: 'Hello' },
                    { startTime: '0.500s', endTime: '1.200s', word: 'there' },
                  ],
                },
              ],
              languageCode: 'en-gb',
            },
            {
              alternatives: [
                { transcript: ' general Kenobi', confidence: 0.7, words: [{ startTime: '1.5s', endTime: '2s', word: 'general' }] },
              ],
              languageCode: 'en-gb',
            },
          ],
          totalBilledTime: '3s',
        }),
      );
      const out = await stt.transcribe(sttRequest());
      expect(out).toEqual({
        text: 'Hello there general Kenobi',
        language: 'en-gb',
        confidence: 0.8,
        words: [
          { word: 'Hello', start: 0.1, end: 0.5 },
          { word: 'there', start: 0.5, end: 1.2 },
          { word: 'general', start: 1.5, end: 2 },
        ],
      });
      const seen = server.seen[0];
      expect(seen.method).toBe('POST');
      expect(seen.url).toMatch(/^\/v1\/speech:recognize/);
      expect(seen.headers['x-goog-api-key']).toBe('test-key');
      const sent = body(server);
      expect(sent.config).toMatchObject({
        sampleRateHertz: 16000,
        languageCode: 'en-GB',
        enableWordTimeOffsets: true,
        audioChannelCount: 1,
      });
      expect([1, 'LINEAR16']).toContain(sent.config.encoding);
      // The raw samples, without the 44-byte WAV header.
      expect(Buffer.from(sent.audio.content, 'base64').equals(PCM)).toBe(true);
    });

    it('reads an empty result (silence) as empty text', async () => {
      server.respond((_req, res) => json(res, 200, {}));
      await expect(stt.transcribe(sttRequest())).resolves.toEqual({ text: '', language: 'en-GB', words: undefined, confidence: undefined });
    });

    it.each([
      [403, 'PERMISSION_DENIED', 'API key not valid. Please pass a valid API key.'],
      [400, 'INVALID_ARGUMENT', 'Sync input too long.'],
      [503, 'UNAVAILABLE', 'The service is currently unavailable.'],
    ])('turns HTTP %s %s into one readable error, without retrying', async (code, status, message) => {
      server.respond((_req, res) => googleError(res, code, status, message));
      await expect(stt.transcribe(sttRequest())).rejects.toThrow(`Google Speech-to-Text: HTTP ${code} ${status}: ${message}`);
      expect(server.seen).toHaveLength(1);
    });

    it('gives up on a hanging API after GOOGLE_TIMEOUT_MS and closes the connection', async () => {
      server.respond(() => undefined);
      const fast = Object.assign(new VoiceEnv(), { ...env, GOOGLE_TIMEOUT_MS: 300 });
      await expect(new GoogleSpeechSttProvider(fast).transcribe(sttRequest())).rejects.toThrow(
        'Google Speech-to-Text: no answer within 300 ms (GOOGLE_TIMEOUT_MS)',
      );
      await waitFor(() => server.abandoned === 1, { description: 'the server to see the request abandoned' });
    });

    it('aborts the HTTP request when the job is cancelled', async () => {
      server.respond(() => undefined);
      const ac = new AbortController();
      const pending = new GoogleSpeechSttProvider(Object.assign(new VoiceEnv(), { ...env, GOOGLE_TIMEOUT_MS: 60_000 })).transcribe(
        sttRequest(ac.signal),
      );
      await waitFor(() => server.seen.length === 1, { description: 'the request to arrive' });
      ac.abort();
      await expect(pending).rejects.toThrow('Google Speech-to-Text: the request was cancelled');
      await waitFor(() => server.abandoned === 1, { description: 'the server to see the request abandoned' });
    });

    it('is unavailable without credentials, and unsuitable past one minute (sync limit)', () => {
      expect(new GoogleSpeechSttProvider(new VoiceEnv()).unavailable()).toMatch(/GOOGLE_APPLICATION_CREDENTIALS.*GOOGLE_API_KEY/);
      const p = new GoogleSpeechSttProvider(env);
      expect(p.unavailable()).toBeNull();
      expect(p.unsuitable({ duration: 61 })).toMatch(/60 s/);
      expect(p.unsuitable({ duration: 59 })).toBeNull();
    });
  });

  describe('Text-to-Speech (v1 text:synthesize, voices)', () => {
    const voice = { engine: 'google' as const, name: 'en-US-Wavenet-D', languages: ['en-US'] };

    it('sends text, voice and rate, asks for LINEAR16 and returns the WAV from audioContent', async () => {
      server.respond((_req, res) => json(res, 200, { audioContent: WAV.toString('base64') }));
      const out = await tts.synthesize({ text: 'Hello from the test', voice, rate: 1.25, signal: new AbortController().signal });
      expect(out.equals(WAV)).toBe(true);
      expect(server.seen[0].url).toMatch(/^\/v1\/text:synthesize/);
      const sent = body(server);
      expect(sent.input).toEqual({ text: 'Hello from the test' });
      expect(sent.voice).toEqual({ name: 'en-US-Wavenet-D', languageCode: 'en-US' });
      expect(sent.audioConfig.speakingRate).toBe(1.25);
      expect([1, 'LINEAR16']).toContain(sent.audioConfig.audioEncoding);
    });

    it('lists voices with languages, gender (name or number) and sample rate', async () => {
      server.respond((_req, res) =>
        json(res, 200, {
          voices: [
            { languageCodes: ['en-US'], name: 'en-US-Wavenet-D', ssmlGender: 'MALE', naturalSampleRateHertz: 24000 },
            { languageCodes: ['de-DE'], name: 'de-DE-Standard-A', ssmlGender: 2, naturalSampleRateHertz: 24000 },
          ],
        }),
      );
      const voices = await tts.voices();
      expect(voices).toEqual([
        { name: 'en-US-Wavenet-D', engine: 'google', languages: ['en-US'], gender: 'male', sampleRate: 24000 },
        { name: 'de-DE-Standard-A', engine: 'google', languages: ['de-DE'], gender: 'female', sampleRate: 24000 },
      ]);
      expect(server.seen[0].method).toBe('GET');
      expect(server.seen[0].url).toMatch(/^\/v1\/voices/);
    });

    it('reports an error answer and an answer without audio', async () => {
      server.respond((_req, res) => googleError(res, 400, 'INVALID_ARGUMENT', 'Voice does not exist.'));
      await expect(tts.synthesize({ text: 'x', voice, rate: 1, signal: new AbortController().signal })).rejects.toThrow(
        'HTTP 400 INVALID_ARGUMENT: Voice does not exist.',
      );
      server.respond((_req, res) => json(res, 200, {}));
      await expect(tts.synthesize({ text: 'x', voice, rate: 1, signal: new AbortController().signal })).rejects.toThrow(
        /without audioContent/,
      );
    });

    it('gives up on a hanging API after GOOGLE_TIMEOUT_MS', async () => {
      server.respond(() => undefined);
      const fast = Object.assign(new VoiceEnv(), { ...env, GOOGLE_TIMEOUT_MS: 300 });
      await expect(new GoogleTtsProvider(fast).voices()).rejects.toThrow(/no answer within 300 ms/);
      await waitFor(() => server.abandoned === 1, { description: 'the server to see the request abandoned' });
    });
  });
});
