import { fixtureDir, probe, silence, spoken, uploadForm } from '../../apps/voice/test/support/audio-fixtures';
import { wordAccuracy } from '../../apps/voice/test/support/word-accuracy';
import { Platform, readSse, startPlatform } from '../support/platform';

const QUESTION = 'Please tell me a story about the children in the garden.';

/** These suites make dozens of voice requests a minute; rate limits have their own spec. */
const NO_RATE_LIMIT = { RATE_LIMIT_ENABLED: 'false' };
/**
 * Voice chat end to end: gateway, voice and ai-router as separate processes, a real Redis, the
 * real engines and the real local model (stories260K). The spoken question goes through chat, so
 * the turn must land in the conversation history like a typed message.
 */
describe('voice chat end to end (gateway + voice + ai-router, local model)', () => {
  let p: Platform;
  let dir: string;
  let question: Buffer;
  beforeAll(async () => {
    dir = fixtureDir();
    question = spoken(QUESTION, dir, 'question');
    p = await startPlatform({
      services: ['ai-router', 'voice'],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local' }, gateway: NO_RATE_LIMIT },
    });
  });
  afterAll(() => p?.stop());

  const ask = (path: string, fields: Record<string, string>, audio = question) =>
    p.request(path, { method: 'POST', body: uploadForm(audio, 'question.webm', 'audio/webm;codecs=opus', fields) });
  const history = async (session: string) =>
    (await (await p.request(`/chat/history/${p.userId}?session_id=${session}`)).json()).messages as {
      role: string;
      content: string;
      ai_source?: string;
      status?: string;
    }[];

  it('POST /voice/chat: transcript, the answer from the local model, and playable audio; the turn is in the history', async () => {
    const res = await ask('/voice/chat', { user_id: p.userId, session_id: 'voice-1', max_tokens: '48' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(wordAccuracy(QUESTION, body.transcript)).toBeGreaterThanOrEqual(0.8);
    expect(body).toMatchObject({
      ai_source: 'local',
      session_id: 'voice-1',
      stt_engine: 'pocketsphinx',
      tts_engine: 'flite',
      voice: 'flite:kal16',
      language: 'en-US',
    });
    expect(body.response.trim().length).toBeGreaterThan(0);
    expect(body.audio).toMatchObject({ format: 'mp3', mime_type: 'audio/mpeg' });
    const audio = probe(Buffer.from(body.audio.base64, 'base64'), dir, 'answer.mp3');
    expect(audio.format).toBe('mp3');
    expect(audio.duration).toBeGreaterThan(0.5);
    const messages = await history('voice-1');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[0].content).toBe(body.transcript);
    expect(messages[1]).toMatchObject({ content: body.response, ai_source: 'local' });
  });

  it('POST /voice/chat/stream: transcript first, tokens, one audio event per sentence, then done; stored like a typed turn', async () => {
    const res = await ask('/voice/chat/stream', { user_id: p.userId, session_id: 'voice-2', max_tokens: '64', format: 'ogg' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    const kinds = events.map((e) => e.event);
    expect(kinds.slice(0, 2)).toEqual(['start', 'transcript']);
    expect(events[0].data.stream_id).toBe(res.headers.get('x-stream-id'));
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_e, i) => i + 1));
    expect(kinds[kinds.length - 1]).toBe('done');
    expect(kinds.filter((k) => k === 'token').length).toBeGreaterThan(1);
    const audio = events.filter((e) => e.event === 'audio').map((e) => e.data);
    expect(audio.length).toBeGreaterThanOrEqual(1);
    expect(audio.map((a) => a.index)).toEqual(audio.map((_a, i) => i));
    audio.forEach((a, i) => {
      expect(a).toMatchObject({ format: 'ogg', mime_type: 'audio/ogg; codecs=opus', engine: 'flite' });
      expect(probe(Buffer.from(a.base64, 'base64'), dir, `chunk-${i}.ogg`)).toMatchObject({ format: 'ogg', codec: 'opus' });
    });
    const done = events[events.length - 1].data;
    const tokens = events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join('');
    expect(done.response).toBe(tokens);
    expect(done.audio_chunks).toBe(audio.length);
    // Every spoken sentence is a piece of the answer, in order.
    let from = 0;
    for (const a of audio) {
      const at = done.response.replace(/\s+/g, ' ').indexOf(a.text.replace(/\s+/g, ' '), from);
      expect(at).toBeGreaterThanOrEqual(0);
      from = at;
    }
    const messages = await history('voice-2');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[0].content).toBe(events[1].data.text);
    expect(messages[1].content).toBe(done.response);
  });

  it('POST /chat/streams/{stream_id}/stop stops a voice chat stream: done says "stopped", and so does the history', async () => {
    const res = await ask('/voice/chat/stream', { user_id: p.userId, session_id: 'voice-stop', max_tokens: '400' });
    expect(res.status).toBe(200);
    const streamId = res.headers.get('x-stream-id')!;
    let stopped: Promise<Response> | undefined;
    const events = await readSse(res, (e) => {
      if (e.event === 'token' && !stopped) stopped = p.request(`/chat/streams/${streamId}/stop`, { method: 'POST' });
    });
    expect(await (await stopped!).json()).toEqual({ stream_id: streamId, status: 'stopped' });
    const done = events[events.length - 1];
    expect(done).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    const messages = await history('voice-stop');
    expect(messages[1]).toMatchObject({ status: 'stopped', content: done.data.response });
  });

  it('silence is a 422 "no speech" (a plain HTTP error even on the stream route), and nothing is stored', async () => {
    for (const path of ['/voice/chat', '/voice/chat/stream']) {
      const res = await ask(path, { user_id: p.userId, session_id: 'voice-silent' }, silence(2, dir));
      expect(res.status).toBe(422);
      expect((await res.json()).error).toBe('NO_SPEECH');
    }
    expect(await history('voice-silent')).toEqual([]);
  });

  it.each([
    ['a missing user_id', {}, /user_id/],
    ['a malformed session_id', { user_id: 'local', session_id: 'a b' }, /session_id/],
    ['max_tokens out of range', { user_id: 'local', max_tokens: '99999' }, /max_tokens/],
    ['an unknown format', { user_id: 'local', format: 'aiff' }, /format must be one of/],
  ])('refuses %s with a 400 before any work', async (_name, fields, message) => {
    const res = await ask('/voice/chat', fields);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(message);
  });

  it('says 503 when ai-router is down, after transcribing', async () => {
    await p.procs.get('ai-router')!.stop();
    const res = await ask('/voice/chat', { user_id: p.userId, session_id: 'voice-3' });
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/ai-router/);
  });
});
