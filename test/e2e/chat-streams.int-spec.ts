import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { chatStreamKeys } from '@nitro/contracts';
import { waitFor } from '@nitro/testing';
import { Platform, readSse, SseEvent, startPlatform } from '../support/platform';

/**
 * The stream lifecycle (docs/adr/0006-chat-stream-lifecycle.md) with real processes: two gateways,
 * one ai-router on the local test model, a real Redis. Stop, resume on another gateway, the
 * no-reader grace period, Idempotency-Key, and what another user may see.
 */
const GRACE_MS = 300;
const LONG = { temperature: 0, max_tokens: 400 };

describe('chat stream lifecycle (two gateways + ai-router + local model)', () => {
  let p: Platform;
  let gatewayB: string;

  beforeAll(async () => {
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local', CHAT_STREAM_GRACE_MS: String(GRACE_MS) } },
    });
    await p.startApp('gateway', 'gateway-b');
    gatewayB = p.urlOf('gateway-b');
  });
  afterAll(() => p?.stop());

  const post = (path: string, body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal; base?: string } = {}) =>
    fetch(`${init.base ?? p.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...p.headers, 'content-type': 'application/json', ...(init.headers ?? {}) },
      body: JSON.stringify(body),
      signal: init.signal,
    });
  const history = async (session: string) =>
    (await (await p.request(`/chat/history/${p.userId}?session_id=${session}`)).json()).messages as {
      role: string;
      content: string;
      status?: string;
    }[];
  const stop = (streamId: string, headers = p.headers) => fetch(`${p.baseUrl}/chat/streams/${streamId}/stop`, { method: 'POST', headers });

  /** Reads an SSE response; `onEvent` may return true to drop the connection there. */
  async function read(res: Response, ctl: AbortController, onEvent?: (e: SseEvent) => boolean | void): Promise<SseEvent[]> {
    const seen: SseEvent[] = [];
    try {
      await readSse(res, (e) => {
        seen.push(e);
        if (onEvent?.(e)) ctl.abort();
      });
    } catch (err) {
      if (!ctl.signal.aborted) throw err;
    }
    return seen;
  }

  /** A full, unstopped answer to the prompt: its text and timings (the control run). */
  async function control(session: string, message = 'Once upon a time') {
    const t0 = performance.now();
    let firstToken = 0;
    const res = await post('/chat/stream', { message, user_id: p.userId, session_id: session, options: LONG });
    const events = await read(
      res,
      new AbortController(),
      (e) => void (e.event === 'token' && !firstToken && (firstToken = performance.now() - t0)),
    );
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    return { text: done.data.response as string, firstTokenMs: firstToken, totalMs: performance.now() - t0 };
  }

  it('announces the stream first (start event and X-Stream-Id) and numbers every event', async () => {
    const res = await post('/chat/stream', {
      message: 'The little dog',
      user_id: p.userId,
      session_id: 'ids',
      options: { temperature: 0, max_tokens: 16 },
    });
    const streamId = res.headers.get('x-stream-id');
    const events = await read(res, new AbortController());
    expect(events[0]).toMatchObject({ event: 'start', data: { stream_id: streamId, session_id: 'ids' } });
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
  });

  it('stops on POST /chat/streams/{id}/stop: stored "stopped" with less text, and the model is free at once', async () => {
    const idle = await control('stop-control');
    const ctl = new AbortController();
    const res = await post('/chat/stream', { message: 'Once upon a time', user_id: p.userId, session_id: 'stop', options: LONG });
    const streamId = res.headers.get('x-stream-id')!;
    let stopAnswer: Promise<Response> | undefined;
    const events = await read(res, ctl, (e) => void (e.event === 'token' && !stopAnswer && (stopAnswer = stop(streamId))));
    const stopped = await stopAnswer!;
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ stream_id: streamId, status: 'stopped' });
    const done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    expect(done.data.response.length).toBeLessThan(idle.text.length);
    const stored = await history('stop');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]).toMatchObject({ status: 'stopped', content: done.data.response });

    // Right after the stop, a new request starts as fast as on the idle system (not after a whole generation).
    const next = await control('after-stop');
    console.log(
      `first token: idle ${idle.firstTokenMs.toFixed(1)} ms, right after a stop ${next.firstTokenMs.toFixed(1)} ms; a whole answer takes ${idle.totalMs.toFixed(0)} ms`,
    );
    expect(next.firstTokenMs).toBeLessThan(idle.firstTokenMs + idle.totalMs / 2);
  });

  it('stops a stream whose client left and never came back after the grace period: stored "incomplete"', async () => {
    const full = await control('grace-control');
    const ctl = new AbortController();
    const res = await post(
      '/chat/stream',
      { message: 'Once upon a time', user_id: p.userId, session_id: 'grace', options: LONG },
      { signal: ctl.signal },
    );
    await read(res, ctl, (e) => e.event === 'token');
    const stored = await waitFor(async () => ((await history('grace')).length === 2 ? history('grace') : undefined), {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: 'the abandoned turn is stored',
    });
    expect(stored[1].status).toBe('incomplete');
    expect(stored[1].content.length).toBeLessThan(full.text.length);
  });

  it('resumes on another gateway with Last-Event-ID: every token once, none missing, equal to the stored answer', async () => {
    const ctl = new AbortController();
    const res = await post(
      '/chat/stream',
      { message: 'Once upon a time', user_id: p.userId, session_id: 'resume', options: LONG },
      { signal: ctl.signal },
    );
    const streamId = res.headers.get('x-stream-id')!;
    const partA = await read(res, ctl, (e) => Number(e.id) >= 3);
    expect(partA.slice(0, 3).map((e) => e.event)).toEqual(['start', 'meta', 'token']);
    const resumed = await fetch(`${gatewayB}/chat/streams/${streamId}`, { headers: { ...p.headers, 'last-event-id': partA.at(-1)!.id! } });
    expect(resumed.status).toBe(200);
    const partB = await read(resumed, new AbortController());
    const all = [...partA, ...partB];
    expect(all.map((e) => Number(e.id))).toEqual(all.map((_, i) => i + 1));
    const done = all.at(-1)!;
    expect(done).toMatchObject({ event: 'done', data: { status: 'complete' } });
    const tokens = all
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join('');
    expect(tokens).toBe(done.data.response);
    expect((await history('resume'))[1]).toMatchObject({ role: 'assistant', content: tokens });
    // Once ended, the stream stays readable: a replay from the start gives the same events.
    const again = await read(await fetch(`${gatewayB}/chat/streams/${streamId}`, { headers: p.headers }), new AbortController());
    expect(again.map((e) => e.id)).toEqual(all.map((e) => e.id));
    // A client that reconnects after `done` (EventSource does) gets an empty stream that ends, not a hang.
    for (const after of [done.id!, String(Number(done.id) + 5)]) {
      const tail = await fetch(`${gatewayB}/chat/streams/${streamId}`, {
        headers: { ...p.headers, 'last-event-id': after },
        signal: AbortSignal.timeout(10_000),
      });
      expect([after, await read(tail, new AbortController())]).toEqual([after, []]);
    }
  });

  it('rejects what it must: unknown and foreign streams are 404, a malformed Last-Event-ID is 400', async () => {
    const res = await post('/chat/stream', {
      message: 'Hi',
      user_id: p.userId,
      session_id: 'mine',
      options: { temperature: 0, max_tokens: 8 },
    });
    const streamId = res.headers.get('x-stream-id')!;
    await read(res, new AbortController());
    const other = await p.createUser();
    for (const [path, method, headers] of [
      [`/chat/streams/${randomUUID()}`, 'GET', p.headers],
      [`/chat/streams/${randomUUID()}/stop`, 'POST', p.headers],
      ['/chat/streams/not-a-stream', 'GET', p.headers],
      [`/chat/streams/${streamId}`, 'GET', other.headers],
      [`/chat/streams/${streamId}/stop`, 'POST', other.headers],
    ] as const) {
      const r = await fetch(`${p.baseUrl}${path}`, { method, headers });
      expect([path, r.status]).toEqual([path, 404]);
      expect((await r.json()).message).not.toMatch(/forbidden|not yours/i);
    }
    const bad = await fetch(`${p.baseUrl}/chat/streams/${streamId}`, { headers: { ...p.headers, 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/Last-Event-ID/);
  });

  it('Idempotency-Key: a repeated POST /chat returns the same turn and stores the message once', async () => {
    const key = randomUUID();
    const body = { message: 'Once upon a time', user_id: p.userId, session_id: 'idem', options: { temperature: 0, max_tokens: 24 } };
    const a = await post('/chat', body, { headers: { 'idempotency-key': key } });
    const b = await post('/chat', body, { headers: { 'idempotency-key': key } });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [ja, jb] = [await a.json(), await b.json()];
    expect(jb).toEqual(ja);
    expect((await history('idem')).map((m) => m.role)).toEqual(['user', 'assistant']);
    const bad = await post('/chat', body, { headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/Idempotency-Key/);
  });

  it('Idempotency-Key on a stream: the retry attaches to the same stream and replays it', async () => {
    const key = randomUUID();
    const body = { message: 'The little dog', user_id: p.userId, session_id: 'idem-stream', options: { temperature: 0, max_tokens: 24 } };
    const a = await post('/chat/stream', body, { headers: { 'idempotency-key': key } });
    const ea = await read(a, new AbortController());
    const b = await post('/chat/stream', body, { headers: { 'idempotency-key': key } });
    expect(b.headers.get('x-stream-id')).toBe(a.headers.get('x-stream-id'));
    const eb = await read(b, new AbortController());
    expect(eb.map((e) => [e.id, e.event])).toEqual(ea.map((e) => [e.id, e.event]));
    expect((await history('idem-stream')).map((m) => m.role)).toEqual(['user', 'assistant']);
  });
});

/**
 * A replica killed mid-stream while another one runs: the request is reclaimed by the survivor,
 * which must not generate the turn a second time (the client already saw the first tokens).
 */
describe('chat stream when its ai-router replica is SIGKILLed (two replicas)', () => {
  let p: Platform;
  let redis: Redis;

  beforeAll(async () => {
    p = await startPlatform({ services: ['ai-router'], appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } } });
    await p.startApp('ai-router', 'ai-router-b');
    redis = new Redis(p.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
  });

  const history = async (session: string) =>
    (await (await p.request(`/chat/history/${p.userId}?session_id=${session}`)).json()).messages as {
      role: string;
      content: string;
      status?: string;
    }[];
  const send = (key: string) =>
    p.request('/chat/stream', {
      method: 'POST',
      headers: { 'idempotency-key': key },
      json: { message: 'Once upon a time', user_id: p.userId, session_id: 'killed', options: LONG },
    });

  it('the client sees the whole answer or one clear error; history has at most one answer; a retry with the same Idempotency-Key does not duplicate the message', async () => {
    const key = randomUUID();
    const res = await send(key);
    const streamId = res.headers.get('x-stream-id')!;
    let killed = '';
    const events = await readSse(res, (e) => {
      if (e.event !== 'token' || killed) return;
      killed = 'pending';
      void redis.hget(chatStreamKeys(streamId).meta, 'replica').then((replica) => {
        const pid = Number(replica?.split(':').at(-1));
        const victim = [...p.procs.entries()].find(([name, proc]) => name.startsWith('ai-router') && proc.pid === pid);
        killed = victim?.[0] ?? 'none';
        victim?.[1].kill('SIGKILL');
      });
    });
    expect(killed).toMatch(/^ai-router/);
    // The log expires even though its replica died before any heartbeat.
    expect(await redis.pttl(chatStreamKeys(streamId).events)).toBeGreaterThan(0);
    const last = events.at(-1)!;
    console.log(
      `killed ${killed} after the first token; the client got ${events.filter((e) => e.event === 'token').length} tokens, then ${last.event} ${last.data.code ?? last.data.status}`,
    );
    const errors = events.filter((e) => e.event === 'error');
    if (last.event === 'done') expect(errors).toHaveLength(0);
    else expect([errors.length, last.event, last.data.code]).toEqual([1, 'error', 'REPLICA_LOST']);
    // The stream is over: a stop says how it ended instead of waiting for a dead replica.
    if (last.event === 'error')
      expect(await (await p.request(`/chat/streams/${streamId}/stop`, { method: 'POST' })).json()).toEqual({
        stream_id: streamId,
        status: 'failed',
      });
    const before = await history('killed');
    expect(before.filter((m) => m.role === 'assistant').length).toBeLessThanOrEqual(1);

    const retry = await readSse(await send(key));
    expect(retry.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    const after = await history('killed');
    expect(after.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(after.filter((m) => m.role === 'assistant')).toHaveLength(1);
  });
});
