import { VoiceEnv } from '@nitro/config';
import { waitFor } from '@nitro/testing';
import { wavHeader } from '../src/audio/wav.util';
import type { SttRequest } from '../src/stt/stt-provider.interface';
import { WhisperHttpSttProvider } from '../src/stt/whisper-http.stt-provider';
import { json, startFakeServer, type FakeServer, type SeenRequest } from './support/fake-http';

const WAV = Buffer.concat([wavHeader(32000, 16000), Buffer.alloc(32000)]);
const request = (signal = new AbortController().signal): SttRequest => ({
  wav: WAV,
  wavPath: '/unused.wav',
  duration: 1,
  language: 'de-DE',
  signal,
});
const form = (seen: SeenRequest) =>
  new Response(seen.body, { headers: { 'content-type': String(seen.headers['content-type']) } }).formData();
const whisper = (url: string, timeout = 5000) =>
  new WhisperHttpSttProvider(Object.assign(new VoiceEnv(), { WHISPER_URL: url, WHISPER_TIMEOUT_MS: timeout }));

/** The optional whisper engine against local servers speaking whisper.cpp's and OpenAI's formats. */
describe('whisper-http engine against a local server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
    server.abandoned = 0;
  });

  it("speaks whisper.cpp's /inference: multipart file, verbose_json, segments with words", async () => {
    server.respond((_req, res) =>
      json(res, 200, {
        text: ' Hallo Welt',
        language: 'german',
        segments: [
          {
            words: [
              { word: ' Hallo', start: 0, end: 0.4, probability: 0.9 },
              { word: ' Welt', start: 0.4, end: 0.9 },
            ],
          },
        ],
      }),
    );
    const out = await whisper(`${server.url}/inference`).transcribe(request());
    expect(out).toEqual({
      text: 'Hallo Welt',
      language: 'de-DE',
      words: [
        { word: 'Hallo', start: 0, end: 0.4, confidence: 0.9 },
        { word: 'Welt', start: 0.4, end: 0.9 },
      ],
    });
    const f = await form(server.seen[0]);
    expect(server.seen[0].url).toBe('/inference');
    expect(f.get('response_format')).toBe('verbose_json');
    expect(f.get('language')).toBe('de');
    expect(f.get('model')).toBeNull();
    const file = f.get('file') as File;
    expect(file.name).toBe('audio.wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(WAV)).toBe(true);
  });

  it('speaks the OpenAI-style /v1/audio/transcriptions: model and word timestamps', async () => {
    server.respond((_req, res) => json(res, 200, { text: 'Hallo', language: 'de', words: [{ word: 'Hallo', start: 0.1, end: 0.5 }] }));
    const out = await new WhisperHttpSttProvider(
      Object.assign(new VoiceEnv(), { WHISPER_URL: `${server.url}/v1/audio/transcriptions`, WHISPER_MODEL: 'whisper-large' }),
    ).transcribe(request());
    expect(out).toEqual({ text: 'Hallo', language: 'de', words: [{ word: 'Hallo', start: 0.1, end: 0.5 }] });
    const f = await form(server.seen[0]);
    expect(f.get('model')).toBe('whisper-large');
    expect(f.getAll('timestamp_granularities[]')).toEqual(['word']);
  });

  it.each([
    [
      'an HTTP error',
      (res: import('node:http').ServerResponse) => res.writeHead(500).end('model not loaded'),
      /HTTP 500: model not loaded/,
    ],
    ['a body that is not JSON', (res: import('node:http').ServerResponse) => res.writeHead(200).end('<html>'), /not JSON/],
    ['JSON without text', (res: import('node:http').ServerResponse) => json(res, 200, { segments: [] }), /no "text"/],
  ])('reports %s', async (_name, answer, message) => {
    server.respond((_req, res) => answer(res));
    await expect(whisper(`${server.url}/inference`).transcribe(request())).rejects.toThrow(message);
  });

  it('gives up on a hanging server after WHISPER_TIMEOUT_MS and closes the connection', async () => {
    server.respond(() => undefined);
    await expect(whisper(`${server.url}/inference`, 300).transcribe(request())).rejects.toThrow(
      /no answer within 300 ms \(WHISPER_TIMEOUT_MS\)/,
    );
    await waitFor(() => server.abandoned === 1, { description: 'the server to see the request abandoned' });
  });

  it('is unavailable until WHISPER_URL is set', () => {
    expect(new WhisperHttpSttProvider(new VoiceEnv()).unavailable()).toMatch(/WHISPER_URL/);
    expect(whisper(server.url).unavailable()).toBeNull();
  });
});
