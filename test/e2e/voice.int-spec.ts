import { randomBytes } from 'node:crypto';
import { fixtureDir, probe, SENTENCES, spoken, tone, uploadForm } from '../../apps/voice/test/support/audio-fixtures';
import { wordAccuracy } from '../../apps/voice/test/support/word-accuracy';
import { Platform, startPlatform } from '../support/platform';

/** These suites make dozens of voice requests a minute; rate limits have their own spec. */
const NO_RATE_LIMIT = { RATE_LIMIT_ENABLED: 'false' };
/**
 * Voice end to end: gateway and voice as separate processes, a real Redis, and the real engines
 * (flite, espeak-ng, pocketsphinx, ffmpeg). Every fixture is spoken by flite and encoded by ffmpeg
 * here, as a browser's MediaRecorder would send it.
 */
describe('voice end to end (gateway + voice, real engines)', () => {
  let p: Platform;
  let dir: string;
  beforeAll(async () => {
    dir = fixtureDir();
    p = await startPlatform({ services: ['voice'], appEnv: { voice: { MAX_AUDIO_SECONDS: '20' }, gateway: NO_RATE_LIMIT } });
  });
  afterAll(() => p?.stop());

  const formWith = (fill: (f: FormData) => void) => {
    const form = new FormData();
    fill(form);
    return form;
  };
  const transcribe = (form: FormData) => p.request('/voice/transcribe', { method: 'POST', body: form });
  const speak = (body: unknown) => p.request('/voice/speak', { method: 'POST', json: body });

  describe('round trip: flite speaks, ffmpeg makes WebM/Opus, POST /voice/transcribe reads it back', () => {
    it.each(SENTENCES.map((s, i) => [i, s]))('sentence %i: "%s" with word accuracy >= 0.8', async (i, sentence) => {
      const res = await transcribe(uploadForm(spoken(sentence, dir, `s${i}`), `clip${i}.webm`, 'audio/webm;codecs=opus'));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(wordAccuracy(sentence, body.text)).toBeGreaterThanOrEqual(0.8);
      expect(body).toMatchObject({ engine: 'pocketsphinx', language: 'en-US' });
      expect(body.duration).toBeGreaterThan(1);
      expect(body.duration).toBeLessThan(5);
      // Word timings: in order, inside the clip.
      expect(body.words.length).toBeGreaterThan(3);
      for (let w = 1; w < body.words.length; w++) expect(body.words[w].start).toBeGreaterThanOrEqual(body.words[w - 1].end);
      expect(body.words.at(-1).end).toBeLessThanOrEqual(body.duration);
      // Google is not configured here: the answer says why it was skipped.
      expect(body.fallbacks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ engine: 'google', reason: expect.stringMatching(/GOOGLE_APPLICATION_CREDENTIALS/) }),
        ]),
      );
    });
  });

  it.each([
    ['ogg', 'audio/ogg'],
    ['mp3', 'audio/mpeg'],
    ['m4a', 'audio/mp4'],
    ['wav', 'audio/wav'],
  ] as const)('accepts %s uploads (%s), fields before or after the file', async (format, type) => {
    const sentence = SENTENCES[2];
    const res = await transcribe(
      uploadForm(spoken(sentence, dir, `fmt-${format}`, format), `clip.${format}`, type, { language: 'en-US' }, true),
    );
    expect(res.status).toBe(200);
    expect(wordAccuracy(sentence, (await res.json()).text)).toBeGreaterThanOrEqual(0.8);
  });

  describe('POST /voice/speak', () => {
    it.each([
      ['wav', 'audio/wav', 'wav', 'pcm_s16le'],
      ['mp3', 'audio/mpeg', 'mp3', 'mp3'],
      ['ogg', 'audio/ogg; codecs=opus', 'ogg', 'opus'],
    ])('returns %s with Content-Type %s that ffprobe reads', async (format, contentType, container, codec) => {
      const res = await speak({ text: 'Hello from Nitro. This is a spoken answer.', format });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(contentType);
      expect(res.headers.get('x-voice-engine')).toBe('flite');
      expect(res.headers.get('x-voice')).toBe('flite:kal16');
      const info = probe(Buffer.from(await res.arrayBuffer()), dir, `speak.${format}`);
      expect(info.format).toBe(container);
      expect(info.codec).toBe(codec);
      expect(info.duration).toBeGreaterThan(1.5);
    });

    it('speaks with another engine or language when asked, and slower when asked', async () => {
      const de = await speak({ text: 'Guten Morgen', voice: 'de' });
      expect(de.status).toBe(200);
      expect(de.headers.get('x-voice')).toBe('espeak:de');
      const normal = probe(
        Buffer.from(await (await speak({ text: 'One two three four five', voice: 'flite:slt' })).arrayBuffer()),
        dir,
        'n.wav',
      );
      const slow = probe(
        Buffer.from(await (await speak({ text: 'One two three four five', voice: 'flite:slt', rate: 0.5 })).arrayBuffer()),
        dir,
        's.wav',
      );
      expect(slow.duration).toBeGreaterThan(normal.duration * 1.5);
    });

    it('what it says can be transcribed back', async () => {
      const wav = Buffer.from(await (await speak({ text: SENTENCES[4] })).arrayBuffer());
      const res = await transcribe(uploadForm(wav, 'speech.wav', 'audio/wav'));
      expect(wordAccuracy(SENTENCES[4], (await res.json()).text)).toBeGreaterThanOrEqual(0.8);
    });
  });

  it('GET /voice/voices lists flite and espeak-ng voices, the default, and why Google is missing', async () => {
    const res = await p.request('/voice/voices');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.default_voice).toBe('flite:kal16');
    const ids = body.voices.map((v: { id: string }) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['flite:kal16', 'flite:slt', 'espeak:de', 'espeak:en-us']));
    expect(body.voices.find((v: { id: string }) => v.id === 'flite:kal16')).toMatchObject({ default: true, sample_rate: 16000 });
    expect(body.unavailable).toEqual([{ engine: 'google', reason: expect.stringMatching(/GOOGLE_API_KEY/) }]);
  });

  describe('bad input is a clear 4xx naming the problem, never a 5xx', () => {
    it.each([
      ['an empty upload', () => uploadForm(Buffer.alloc(0), 'empty.webm', 'audio/webm'), 400, /audio: the uploaded file is empty/],
      // The type comes from the bytes (issue 14): noise is not audio whatever its label says.
      [
        'random bytes named .webm',
        () => uploadForm(randomBytes(20_000), 'noise.webm', 'audio/webm'),
        415,
        /the file is not a known audio container, declared "audio\/webm"/,
      ],
      [
        'random bytes sent as octet-stream named .mp3',
        () => uploadForm(randomBytes(5_000), 'x.mp3', 'application/octet-stream'),
        415,
        /not a known audio container/,
      ],
      [
        'an image',
        () =>
          uploadForm(
            Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(1000)]),
            'photo.png',
            'image/png',
          ),
        415,
        /the file is image\/png \(png\)/,
      ],
      [
        'a type we do not take',
        () => uploadForm(Buffer.concat([Buffer.from('fLaC'), randomBytes(1000)]), 'a.flac', 'audio/flac'),
        415,
        /audio\/(x-)?flac.*send WebM\/Opus, Ogg, WAV, MP3 or M4A/,
      ],
      ['no file at all', () => formWith((f) => f.append('language', 'en-US')), 400, /audio: a file is required/],
      ['an unknown field', () => uploadForm(spoken('hello', dir, 'uf'), 'a.webm', 'audio/webm', { speed: 'fast' }), 400, /speed/],
      [
        'a malformed language',
        () => uploadForm(spoken('hello', dir, 'ul'), 'a.webm', 'audio/webm', { language: 'english!' }),
        400,
        /language/,
      ],
      [
        'a file in the wrong field',
        () => formWith((f) => f.append('attachment', new Blob([Buffer.from('x')], { type: 'audio/wav' }), 'a.wav')),
        400,
        /unexpected file field "attachment"/,
      ],
    ])('%s', async (_name, makeForm, status, message) => {
      const res = await transcribe(makeForm());
      expect(res.status).toBe(status);
      expect((await res.json()).message).toMatch(message);
    });

    it('an upload over 25 MB is a 413, refused while streaming', async () => {
      const res = await transcribe(uploadForm(Buffer.alloc(25 * 1024 * 1024 + 1), 'big.wav', 'audio/wav'));
      expect(res.status).toBe(413);
      expect((await res.json()).message).toMatch(/larger than the limit of 26214400 bytes/);
    });

    it('audio longer than MAX_AUDIO_SECONDS is a 413', async () => {
      const res = await transcribe(uploadForm(tone(25, dir), 'long.webm', 'audio/webm'));
      expect(res.status).toBe(413);
      expect((await res.json()).message).toMatch(/longer than the limit of 20 s/);
    });

    it('a JSON body on an upload route is a 400 naming the content type', async () => {
      const res = await p.request('/voice/transcribe', { method: 'POST', json: { audio: 'x' } });
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/multipart\/form-data/);
    });

    it.each([
      ['text too long', { text: 'a'.repeat(5001) }, /text is 5001 characters \(Unicode code points\); the limit is 5000/],
      ['empty text', { text: '' }, /text must not be empty/],
      ['blank text', { text: '   ' }, /text must contain visible text/],
      ['unknown voice', { text: 'hi', voice: 'robot9000' }, /voice "robot9000" is not available: GET \/voice\/voices/],
      ['malformed voice', { text: 'hi', voice: '../etc/passwd' }, /voice must be/],
      ['unknown format', { text: 'hi', format: 'flac' }, /format must be one of: wav, mp3, ogg/],
      ['rate out of range', { text: 'hi', rate: 9 }, /rate must not be greater than 2/],
      ['an unknown field', { text: 'hi', pitch: 3 }, /pitch/],
    ])('speak: %s', async (_name, body, message) => {
      const res = await speak(body);
      expect(res.status).toBe(400);
      const { message: said } = await res.json();
      expect(Array.isArray(said) ? said.join('; ') : said).toMatch(message);
    });

    it('the voice service is still up and healthy afterwards', async () => {
      const voice = p.procs.get('voice') as unknown as { port: number };
      const health = await fetch(`http://127.0.0.1:${voice.port}/health`);
      expect(health.status).toBe(200);
      expect((await p.request('/voice/voices')).status).toBe(200);
    });
  });
});
