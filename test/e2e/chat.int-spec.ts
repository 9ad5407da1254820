import { Redis } from 'ioredis';
import { CHAT_PATTERNS } from '@nitro/contracts';
import { freePort, waitFor } from '@nitro/testing';
import { replyStreamKey, requestStreamKey } from '@nitro/transport';
import { Platform, readSse, startPlatform } from '../support/platform';

/**
 * Chat end to end: gateway and ai-router as separate processes, a real Redis, the real local model.
 * Ollama is configured first but nothing listens there, so every answer must come from `local`.
 */
describe('chat end to end (gateway + ai-router + local model)', () => {
  let p: Platform;

  beforeAll(async () => {
    const deadPort = await freePort();
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: {
        'ai-router': { AI_PROVIDERS: 'ollama,local,gemini', OLLAMA_HOST: `http://127.0.0.1:${deadPort}`, OLLAMA_TIMEOUT_MS: '2000' },
      },
    });
  });
  afterAll(() => p?.stop());

  const send = (body: unknown) => p.request('/chat', { method: 'POST', json: body });
  /** What the answers reported, to find again in the history. */
  const reported: Record<string, { usage: unknown; finish_reason: string }> = {};

  it('answers from the local model when Ollama is unreachable, and says so', async () => {
    const res = await send({
      message: 'Once upon a time',
      user_id: p.userId,
      session_id: 's1',
      options: { temperature: 0, max_tokens: 24 },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ai_source).toBe('local');
    expect(typeof body.ai_model).toBe('string');
    expect(body.response.length).toBeGreaterThan(0);
    expect(body.session_id).toBe('s1');
    expect(new Date(body.timestamp).toString()).not.toBe('Invalid Date');
    expect(body.fallbacks).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'ollama' })]));
    expect(body.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    reported.s1 = { usage: body.usage, finish_reason: body.finish_reason };
  });

  it('streams tokens as Server-Sent Events, then done', async () => {
    const res = await p.request('/chat/stream', {
      method: 'POST',
      json: { message: 'The little dog', user_id: p.userId, session_id: 's2', options: { temperature: 0, max_tokens: 24 } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    const kinds = events.map((e) => e.event);
    expect(kinds.slice(0, 2)).toEqual(['start', 'meta']);
    expect(kinds.filter((k) => k === 'token').length).toBeGreaterThan(1);
    expect(kinds[kinds.length - 1]).toBe('done');
    const done = events[events.length - 1].data;
    const joined = events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join('');
    expect(done.response).toBe(joined);
    expect(done.ai_source).toBe('local');
    reported.s2 = { usage: done.usage, finish_reason: done.finish_reason };
  });

  it('searches conversations by message text (GET /chat/sessions?q=), case-insensitive, with a snippet', async () => {
    const search = async (q: string) => p.request(`/chat/sessions/${p.userId}?q=${encodeURIComponent(q)}`);
    const found = await (await search('UPON A')).json();
    expect(found).toEqual([expect.objectContaining({ session_id: 's1', title: 'Once upon a time', snippet: 'Once upon a time' })]);
    const dog = await (await search('little dog')).json();
    expect(dog.map((s: { session_id: string }) => s.session_id)).toEqual(['s2']);
    expect(await (await search('no such words anywhere')).json()).toEqual([]);
    for (const [query, why] of [
      ['q=', /q must contain visible text/],
      ['q=%20%E2%80%8B', /q must contain visible text/],
      [`q=${'x'.repeat(201)}`, /q must be at most 200 characters/],
      ['q=a&q=b', /q must be a string/],
    ] as const) {
      const res = await p.request(`/chat/sessions/${p.userId}?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify((await res.json()).message)).toMatch(why);
    }
  });

  it('keeps history per session, lists sessions, and clears them', async () => {
    const hist = await (await p.request(`/chat/history/${p.userId}?session_id=s1`)).json();
    expect(hist.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(hist.messages[0].content).toBe('Once upon a time');
    expect(hist.messages[1].ai_source).toBe('local');
    // Token counts and the finish reason survive in the history (the PWA shows them after a reload).
    expect(hist.messages[1]).toEqual(expect.objectContaining(reported.s1));
    expect(hist.messages[0]).not.toHaveProperty('usage');
    const sessions = await (await p.request(`/chat/sessions/${p.userId}`)).json();
    expect(sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual(['s1', 's2']);
    const cleared = await p.request(`/chat/clear/${p.userId}?session_id=s1`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    const after = await (await p.request(`/chat/history/${p.userId}?session_id=s1`)).json();
    expect(after.messages).toEqual([]);
    const s2 = await (await p.request(`/chat/history/${p.userId}?session_id=s2`)).json();
    expect(s2.messages).toHaveLength(2);
    expect(s2.messages[1]).toEqual(expect.objectContaining(reported.s2));
    expect(reported.s2.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });

  it.each([
    ['missing message', { user_id: 'u1' }, /message/],
    ['empty message', { message: '', user_id: 'u1' }, /message/],
    ['message over the limit', { message: 'x'.repeat(32_001), user_id: 'u1' }, /message/],
    ['wrong type', { message: 42, user_id: 'u1' }, /message/],
    ['unknown field', { message: 'hi', user_id: 'u1', admin: true }, /admin/],
    ['malformed user_id', { message: 'hi', user_id: '../etc/passwd' }, /user_id/],
    ['user_id too long', { message: 'hi', user_id: 'a'.repeat(65) }, /user_id/],
    ['malformed session_id', { message: 'hi', user_id: 'u1', session_id: 'a b' }, /session_id/],
    ['temperature out of range', { message: 'hi', user_id: 'u1', options: { temperature: 9 } }, /options\.temperature/],
    ['max_tokens wrong type', { message: 'hi', user_id: 'u1', options: { max_tokens: 'many' } }, /options\.max_tokens/],
    ['body is an array', [1, 2], /./],
  ])('rejects %s with a 400 naming the field', async (_name, body, field) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    const err = await res.json();
    expect(JSON.stringify(err.message)).toMatch(field);
  });

  it('rejects malformed JSON and a wrong content type with a 400, history untouched', async () => {
    const before = await (await p.request(`/chat/history/${p.userId}?session_id=s2`)).json();
    const bad = await p.request('/chat', { method: 'POST', body: '{"message": "hi", ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/JSON/);
    const text = await p.request('/chat', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect((await text.json()).message).toMatch(/Content-Type/);
    const after = await (await p.request(`/chat/history/${p.userId}?session_id=s2`)).json();
    expect(after).toEqual(before);
  });

  it('stores a turn once when its request is delivered twice (at-least-once transport, ADR 0001)', async () => {
    // The same request entry twice on ai-router's stream: what a reclaim after a lost XACK, or a client library
    // re-sending a written command after a dropped connection, hands the replicas. Both deliveries are answered.
    const redis = new Redis(p.redis.url);
    try {
      const replyTo = replyStreamKey(`e2e-redelivery-${Date.now()}`);
      await redis.xadd(replyTo, '*', 'created', '1');
      const data = JSON.stringify({ message: 'Twice told', user_id: p.userId, session_id: 'twice', options: { max_tokens: 8 } });
      const fields = [
        'pattern',
        CHAT_PATTERNS.send,
        'data',
        data,
        'deadline',
        String(Date.now() + 30_000),
        'traceId',
        't',
        'id',
        '0',
        'replyTo',
        replyTo,
      ];
      for (let i = 0; i < 2; i++) await redis.xadd(requestStreamKey('ai-router'), '*', ...fields);
      const finals = async () =>
        (await redis.xrange(replyTo, '-', '+')).map(([, f]) => (f[0] === 'p' ? JSON.parse(f[1]) : {})).filter((r) => r.isDisposed);
      await waitFor(async () => (await finals()).length === 2, { timeoutMs: 60_000, description: 'both deliveries answered' });
      expect((await finals()).map((r) => r.err)).toEqual([undefined, undefined]);
      const res = await p.request(`/chat/history/${p.userId}?session_id=twice`);
      expect((await res.json()).messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    } finally {
      redis.disconnect();
    }
  }, 90_000);

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await fetch(`${p.baseUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${p.baseUrl}/health/ready`);
    const readyBody = await ready.json();
    // Only ai-router runs here: readiness names the missing services instead of pretending.
    expect(readyBody.checks ?? readyBody.details?.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'redis', ok: true }),
        expect.objectContaining({ name: 'ai-router', ok: true }),
      ]),
    );
    // Missing services leave the gateway serving (degraded), so one service cannot take every gateway out of the load balancer.
    expect([ready.status, readyBody.status]).toEqual([200, 'degraded']);
    expect(readyBody.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'voice', ok: false })]));
    expect((await fetch(`${p.baseUrl}/health/ready?strict=true`)).status).toBe(503);
    const prom = await fetch(`${p.baseUrl}/metrics`);
    expect(await prom.text()).toMatch(/nitro_http_requests_total/);
    const summary = await (await fetch(`${p.baseUrl}/metrics`, { headers: { accept: 'application/json' } })).json();
    expect(summary).toEqual(expect.objectContaining({ cpu: expect.any(Object), memory: expect.any(Object), uptime_s: expect.any(Number) }));
    expect(summary.sessions.total_messages).toBeGreaterThanOrEqual(2);
    const spec = await (await fetch(`${p.baseUrl}/docs-json`)).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/chat', '/chat/stream', '/chat/history/{user_id}', '/chat/clear/{user_id}']),
    );
    expect(spec.components.schemas.ChatRequestDto.properties.message).toBeDefined();
    expect((await fetch(`${p.baseUrl}/docs`)).status).toBe(200);
  });
});
