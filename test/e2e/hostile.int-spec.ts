import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisServerHandle, startRedisServer, waitFor } from '@nitro/testing';
import { AppName, Platform, decodeJwt, readSse, signTestJwt, startPlatform } from '../support/platform';

/**
 * Issue 14: new hostile cases for each class of fault, against the real gateway and services.
 * Every answer is tallied (requests, 4xx, 5xx) into tmp/hostile-figures.json; docs/security.md quotes it.
 * Bad input must get a 4xx naming the field: never a 5xx, a hang or a crash.
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = (['ai-router', 'agents', 'search', 'voice'] as const).filter((s) =>
  existsSync(join(ROOT, 'dist', 'apps', s, 'src', 'main.js')),
);

const tally = { requests: 0, status_4xx: 0, status_5xx: 0, fives: [] as string[] };
const figures: Record<string, number> = {};

/** Invisible-only strings: none of them may count as text anywhere. */
const INVISIBLE = {
  'zero-width space + word joiner': '\u200b\u2060\u200b',
  'bidi overrides and marks': '\u202e\u2066\u200f\u200e',
  'NUL + BEL': '\u0000\u0007',
  'Hangul filler': '\u3164\u3164\u3164',
  'blank Braille': '\u2800\u2800',
  'combining marks without a base': '\u0301\u0308\u0327',
  'variation selectors + soft hyphen': '\ufe0f\u00ad\ufe0e',
  'tag characters': '\u{e0041}\u{e0042}',
  'ideographic and no-break spaces': '\u3000\u00a0\u2007\u202f',
};

/** One raw HTTP/1.1 exchange: status, 'closed' or 'timeout', and how long it took. */
function raw(port: number, text: string, timeoutMs: number): Promise<{ status: number | 'closed' | 'timeout'; ms: number; body: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let settled = false;
    const done = (status: number | 'closed' | 'timeout') => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ status, ms: Date.now() - started, body: data });
    };
    const statusOf = () => (/^HTTP\/1\.[01] \d{3}/.test(data) ? Number(data.slice(9, 12)) : 'closed');
    socket.setTimeout(timeoutMs, () => done(data ? statusOf() : 'timeout'));
    socket.on('data', (c) => {
      data += c.toString('utf8');
      if (/\r\n\r\n/.test(data)) setTimeout(() => done(statusOf()), 50);
    });
    socket.on('error', () => done(data ? statusOf() : 'closed'));
    socket.on('end', () => done(data ? statusOf() : 'closed'));
    socket.write(text);
  });
}

describe('hostile input by class (issue 14)', () => {
  let p: Platform;

  async function hit(
    path: string,
    init: RequestInit & { json?: unknown; as?: Record<string, string> } = {},
  ): Promise<{ status: number; body: any }> {
    const { json, as, ...rest } = init;
    const headers: Record<string, string> = { ...(as ?? p.headers), ...((rest.headers as Record<string, string>) ?? {}) };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${p.baseUrl}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    const text = await res.text();
    tally.requests++;
    if (res.status >= 400 && res.status < 500) tally.status_4xx++;
    if (res.status >= 500) {
      tally.status_5xx++;
      tally.fives.push(`${init.method ?? 'GET'} ${path.slice(0, 80)} -> ${res.status} ${text.slice(0, 200)}`);
    }
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body };
  }

  beforeAll(async () => {
    p = await startPlatform({
      services: [...SERVICES] as Exclude<AppName, 'gateway'>[],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } },
    });
  }, 300_000);
  afterAll(async () => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    writeFileSync(join(ROOT, 'tmp', 'hostile-figures.json'), JSON.stringify({ ...tally, ...figures }, null, 2));
    await p?.stop();
  });

  describe('1: one canonical user id', () => {
    it('an account "MixedCase" signed in as "mixedcase" reaches its data with any spelling; the admin sees and clears it', async () => {
      const mixed = await p.createUser('MixedCase');
      const lower = await p.login('mixedcase', mixed.password);
      const made = await hit('/chat', {
        method: 'POST',
        as: mixed.headers,
        json: { message: 'remember me', user_id: 'MixedCase', session_id: 'mc1', options: { max_tokens: 2 } },
      });
      expect(made.status).toBe(200);
      for (const spelling of ['mixedcase', 'MIXEDCASE', 'MixedCase']) {
        const own = await hit(`/chat/sessions/${spelling}`, { as: lower.headers });
        expect([spelling, own.status, (own.body as { session_id: string }[]).map((x) => x.session_id)]).toEqual([spelling, 200, ['mc1']]);
      }
      const seen = await hit('/chat/sessions/mixedcase', { as: p.admin!.headers });
      expect((seen.body as { session_id: string }[]).map((x) => x.session_id)).toEqual(['mc1']);
      const cleared = await hit('/chat/clear/mixedcase', { method: 'DELETE', as: p.admin!.headers });
      expect(cleared.body).toEqual({ cleared: 2 });
      expect((await hit('/chat/sessions/MixedCase', { as: mixed.headers })).body).toEqual([]);
    });

    it('the admin asking for a user who does not exist gets 404, not an empty 200', async () => {
      for (const [method, path] of [
        ['GET', '/chat/sessions/nobody-here'],
        ['DELETE', '/chat/clear/nobody-here'],
        ['GET', '/chat/history/Nobody-Here'],
        ['GET', '/gallery/nobody-here'],
      ]) {
        const res = await hit(path, { method, as: p.admin!.headers });
        expect([path, res.status, res.body.error]).toEqual([path, 404, 'NOT_FOUND']);
      }
      // …while the admin's own and existing users' paths still work, in any spelling.
      expect((await hit('/chat/sessions/ADMIN', { as: p.admin!.headers })).status).toBe(200);
      expect((await hit(`/chat/sessions/${p.userId.toUpperCase()}`, { as: p.admin!.headers })).status).toBe(200);
    });

    it("another user's id in any spelling is still 403", async () => {
      const other = await p.createUser('Spelling-Victim');
      expect((await hit('/chat/sessions/SPELLING-VICTIM')).status).toBe(403);
      expect((await hit('/chat/sessions/spelling-victim', { as: other.headers })).status).toBe(200);
    });
  });

  describe('2: characters are code points everywhere', () => {
    it('a chat message of 20,000 emoji (40,000 UTF-16 units) passes the 32,000-character limit', async () => {
      const res = await hit('/chat', {
        method: 'POST',
        json: { message: '😀'.repeat(20_000), user_id: p.userId, options: { max_tokens: 4 } },
      });
      expect(res.status === 400 && /characters/.test(JSON.stringify(res.body))).toBe(false);
    });

    it('32,001 emoji are refused with the limit in characters, naming the field', async () => {
      const res = await hit('/chat', { method: 'POST', json: { message: '😀'.repeat(32_001), user_id: p.userId } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/message must be at most 32000 characters/);
    });

    it('speak counts code points: 5,000 CJK-extension characters are not "10,000 characters"', async () => {
      const res = await hit('/voice/speak', { method: 'POST', json: { text: '𠀀'.repeat(5_001) } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/text is 5001 characters/);
    });
  });

  describe('4: the whole prompt is budgeted against the context', () => {
    it('a 4,000-character system prompt that leaves no room is a 400 saying how many tokens are over (was: 1 token, finish_reason "length")', async () => {
      const system = 'Always answer as a pirate and cite three sources. '.repeat(80).slice(0, 4000);
      const res = await hit('/chat', {
        method: 'POST',
        json: { message: 'hello', user_id: p.userId, options: { system, max_tokens: 64 } },
      });
      if (res.status === 200) {
        // A model whose context holds it must give a real answer, not one token cut by the length limit.
        expect(res.body.finish_reason === 'length' && res.body.usage?.completion_tokens <= 1).toBe(false);
      } else {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'CONTEXT_TOO_LONG', message: expect.stringMatching(/\d+ tokens over/) });
      }
    });

    it('a message far over the context is refused with the count, quickly (20,000 emoji)', async () => {
      const plain = await hit('/chat', { method: 'POST', json: { message: '🦜'.repeat(20_000), user_id: p.userId } });
      expect(plain.status).toBe(400);
      expect(plain.body).toMatchObject({
        error: 'CONTEXT_TOO_LONG',
        message: expect.stringMatching(/tokens over; shorten the message or the system prompt/),
      });
      // Streamed: the stream has started (start event), so the refusal is its error event, with nothing stored.
      const res = await fetch(`${p.baseUrl}/chat/stream`, {
        method: 'POST',
        headers: { ...p.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ message: '🦜'.repeat(20_000), user_id: p.userId }),
      });
      tally.requests++;
      const error = (await readSse(res)).find((e) => e.event === 'error');
      expect(error?.data).toMatchObject({ status: 400, code: 'CONTEXT_TOO_LONG', incomplete: false });
    });
  });

  describe('3: invisible text is not content', () => {
    it.each(Object.entries(INVISIBLE))('POST /chat with only %s: 400 naming message, nothing stored', async (_name, text) => {
      const res = await hit('/chat', { method: 'POST', json: { message: text, user_id: p.userId, session_id: 'invisible' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/message must contain visible text/);
    });

    it.each([
      ['/voice/speak', (t: string) => ({ text: t }), /text must contain visible text/],
      ['/search', (t: string) => ({ query: t, user_id: 'ME' }), /query must contain visible text/],
      ['/video/search', (t: string) => ({ query: t, user_id: 'ME' }), /query must contain visible text/],
      ['/search/stream', (t: string) => ({ query: t, user_id: 'ME' }), /query must contain visible text/],
      ['/chat/stream', (t: string) => ({ message: t, user_id: 'ME' }), /message must contain visible text/],
      ['/generate-image', (t: string) => ({ prompt: t, user_id: 'ME' }), /prompt must contain visible text/],
      ['/agent/tasks/ME', (t: string) => ({ every_ms: 60_000, prompt: t }), /prompt must contain visible text/],
      ['/agent/code-review', (t: string) => ({ code: t, language: 'python', user_id: 'ME' }), /code must contain visible text/],
    ] as const)('%s refuses invisible-only text with a 400 naming the field', async (path, body, message) => {
      for (const text of Object.values(INVISIBLE)) {
        const json = JSON.parse(JSON.stringify(body(text)).replace('"ME"', JSON.stringify(p.userId)));
        const res = await hit(path.replace('ME', p.userId), { method: 'POST', json });
        expect([path, res.status]).toEqual([path, 400]);
        expect(JSON.stringify(res.body)).toMatch(message);
      }
    });

    it('no conversation with an invisible title was created', async () => {
      const res = await hit(`/chat/sessions/${p.userId}`);
      expect(res.status).toBe(200);
      expect((res.body as { session_id: string }[]).map((s) => s.session_id)).not.toContain('invisible');
    });
  });

  describe('12: one request cannot stall a service', () => {
    /** ~100 KB of deeply nested JavaScript (depth 40 per function). */
    const nested = () => {
      const fn = (i: number) => `function f${i}(x) {\n${'  if (x) {\n'.repeat(40)}  return eval(x);\n${'}\n'.repeat(40)}}\n`;
      let out = '';
      for (let i = 0; out.length < 99_000; i++) out += fn(i);
      return out;
    };
    const csv = () =>
      [
        'id,name,score,when',
        ...Array.from(
          { length: 150_000 },
          (_, i) => `${i},n${i % 977},${(i * 7) % 1000}.5,2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
        ),
      ].join('\n');
    const json = () =>
      JSON.stringify({
        items: Array.from({ length: 60_000 }, (_, i) => ({ id: i, tags: [`t${i % 13}`, `u${i % 7}`], nested: { a: { b: { c: i } } } })),
      });

    it('8 concurrent ~100 KB nested reviews plus a 150,000-row CSV and a large JSON analysis: the agents event loop is never blocked (under 400 ms) and heartbeats keep it live', async () => {
      const agentsPort = (p.procs.get('agents') as unknown as { port: number }).port;
      const lagMax = async () => {
        const text = await (await fetch(`http://127.0.0.1:${agentsPort}/metrics`)).text();
        return Number(/^nitro_nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? NaN);
      };
      // prom-client's monitorEventLoopDelay histogram (10 ms resolution) resets at each collect: what follows is measured under the load.
      await lagMax();
      const code = nested();
      const analyze = (bytes: string, name: string) => {
        const form = new FormData();
        form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
        return hit('/agent/file-analyze?llm=false', { method: 'POST', body: form });
      };
      const started = Date.now();
      const work = Promise.all([
        ...Array.from({ length: 8 }, () =>
          hit('/agent/code-review', { method: 'POST', json: { code, language: 'javascript', user_id: p.userId, llm: false } }),
        ),
        analyze(csv(), 'big.csv'),
        analyze(json(), 'big.json'),
      ]);
      let done = false;
      void work.finally(() => (done = true));
      const lists: number[] = [];
      while (!done && Date.now() - started < 150_000) {
        lists.push((await hit('/agent/list')).status);
        await new Promise((r) => setTimeout(r, 100));
      }
      const results = await work;
      const maxLagMs = (await lagMax()) * 1000;
      figures.event_loop_max_ms = Math.round(maxLagMs);
      figures.load_seconds = Math.round((Date.now() - started) / 100) / 10;
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect((results[8].body as { details: { csv: { rows: number } } }).details.csv.rows).toBeGreaterThan(100_000);
      expect(lists.length).toBeGreaterThan(3);
      expect(lists.filter((s) => s !== 200)).toEqual([]);
      // Work on the event loop would block it for seconds (eight ~100 KB reviews, a 150,000-row parse). The
      // scheduler of this shared 2-core machine alone now reaches 150-230 ms here, at this commit and at
      // earlier ones that once measured 74-79 ms (2026-12-01): the figure is recorded, the bound catches blocking.
      expect(maxLagMs).toBeLessThan(400);
    });
  });

  describe('13: small 500s', () => {
    it('POST /auth/password with current_password "" is a 400 naming the field', async () => {
      const res = await hit('/auth/password', { method: 'POST', json: { current_password: '', new_password: 'a-long-new-password' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/current_password/);
    });

    it.each(['1e20', '9007199254740993', '-1', '1.5', 'NaN'])(
      'GET /auth/users?offset=%s is a 400 (or 403 for a non-admin), never a 500',
      async (offset) => {
        const admin = await hit(`/auth/users?offset=${offset}`, { as: p.admin!.headers });
        expect(admin.status).toBe(400);
        expect(JSON.stringify(admin.body)).toMatch(/offset/);
      },
    );

    it('POST /voice/speak at its maximum length answers well within the gateway timeout (it took 16.7 s)', async () => {
      const text = 'The quick brown fox jumps over the lazy dog, and then it rests for a while. '.repeat(80).slice(0, 5_000);
      const started = Date.now();
      const res = await hit('/voice/speak', { method: 'POST', json: { text } });
      figures.speak_max_ms = Date.now() - started;
      expect(res.status).toBe(200);
      expect(figures.speak_max_ms).toBeLessThan(10_000);
      const mp3Started = Date.now();
      expect((await hit('/voice/speak', { method: 'POST', json: { text, format: 'mp3' } })).status).toBe(200);
      figures.speak_max_mp3_ms = Date.now() - mp3Started;
      expect(figures.speak_max_mp3_ms).toBeLessThan(10_000);
    });

    it('path parameters over the DTO limit get its 400; past the router limit a 414 in our error shape without the URL', async () => {
      const long = await hit(`/chat/sessions/${'a'.repeat(150)}`);
      expect(long.status).toBe(400);
      expect(JSON.stringify(long.body)).toMatch(/user_id must be 1-64 characters/);
      const huge = await hit(`/chat/sessions/${'b'.repeat(5_000)}`);
      expect(huge.status).toBe(414);
      expect(huge.body).toEqual({ statusCode: 414, error: 'URI_TOO_LONG', message: expect.any(String), trace_id: expect.any(String) });
      expect(JSON.stringify(huge.body)).not.toContain('bbbb');
      const badEncoding = await hit('/chat/sessions/%E0%A4%A');
      expect(badEncoding.status).toBe(400);
      expect(badEncoding.body).toMatchObject({ error: expect.any(String), trace_id: expect.any(String) });
    });
  });

  describe('10: a session belongs to its user', () => {
    it("a token for B carrying A's session id is refused (401); each with its own session passes", async () => {
      const a = await p.createUser('sess-a');
      const b = await p.createUser('sess-b');
      const now = Math.floor(Date.now() / 1000);
      const mixed = signTestJwt(
        { ...decodeJwt(b.accessToken), sid: decodeJwt(a.accessToken).sid, iat: now, exp: now + 60 },
        p.env.JWT_SECRET,
      );
      expect((await hit('/auth/me', { as: { authorization: `Bearer ${mixed}` } })).status).toBe(401);
      const own = signTestJwt({ ...decodeJwt(b.accessToken), iat: now, exp: now + 60 }, p.env.JWT_SECRET);
      expect((await hit('/auth/me', { as: { authorization: `Bearer ${own}` } })).status).toBe(200);
      expect((await hit('/auth/me', { as: a.headers })).status).toBe(200);
    });
  });

  describe('5: work done for a user is charged to the user', () => {
    it("a scheduled prompt run is charged to its owner's chat budget (the gateway's counter) and recorded as skipped when over it", async () => {
      const redis = new Redis(p.redis.url);
      const key = `nitro:rl:chat:u:${p.userId}`;
      try {
        await redis.set(key, '100000', 'PX', 60_000); // the user's chat budget for this window is spent
        const created = await hit(`/agent/tasks/${p.userId}`, { method: 'POST', json: { every_ms: 1_000, prompt: 'Say hi.' } });
        expect(created.status).toBe(201);
        const runs = await waitFor(
          async () => {
            const r = await hit(`/agent/tasks/${p.userId}/${created.body.task_id}/runs`);
            return r.body.runs?.length ? r.body.runs : null;
          },
          { timeoutMs: 30_000, intervalMs: 250, description: 'a run' },
        );
        expect(runs[0]).toMatchObject({
          status: 'skipped',
          error: { status: 429, code: 'RATE_LIMITED', message: expect.stringMatching(/over the chat budget/) },
        });
        expect(Number(await redis.get(key))).toBeGreaterThan(100000); // the same counter the gateway spends
        await hit(`/agent/tasks/${p.userId}/${created.body.task_id}`, { method: 'DELETE' });
      } finally {
        await redis.del(key);
        await redis.quit();
      }
    });

    it('requests refused with 400 do not consume the image budget', async () => {
      await p.startApp('gateway', 'gateway-image', { RATE_LIMIT_IMAGE: '2' });
      const url = p.urlOf('gateway-image');
      const post = async (json: object) => {
        const res = await fetch(`${url}/generate-image`, {
          method: 'POST',
          headers: { ...p.headers, 'content-type': 'application/json' },
          body: JSON.stringify(json),
        });
        tally.requests++;
        if (res.status >= 400 && res.status < 500) tally.status_4xx++;
        await res.arrayBuffer();
        return res.status;
      };
      for (let i = 0; i < 5; i++) expect(await post({ prompt: '\u200b', user_id: p.userId })).toBe(400);
      const valid = { prompt: 'a red fox', user_id: p.userId, settings: { provider: 'procedural', width: 64, height: 64 } };
      expect(await post(valid)).not.toBe(429);
      expect(await post(valid)).not.toBe(429);
      expect(await post(valid)).toBe(429);
    });
  });

  describe('6: upload type from the bytes', () => {
    /** One second of 16 kHz mono silence: a valid RIFF/WAVE file. */
    const wav = () => {
      const n = 16_000;
      const b = Buffer.alloc(44 + n * 2);
      b.write('RIFF', 0);
      b.writeUInt32LE(36 + n * 2, 4);
      b.write('WAVEfmt ', 8);
      b.writeUInt32LE(16, 16);
      b.writeUInt16LE(1, 20);
      b.writeUInt16LE(1, 22);
      b.writeUInt32LE(16_000, 24);
      b.writeUInt32LE(32_000, 28);
      b.writeUInt16LE(2, 32);
      b.writeUInt16LE(16, 34);
      b.write('data', 36);
      b.writeUInt32LE(n * 2, 40);
      return b;
    };
    const pe = () => {
      const b = Buffer.alloc(512);
      b.write('MZ', 0);
      b.writeUInt32LE(128, 60);
      b.write('PE\0\0', 128);
      return b;
    };
    const macho = () => Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(512)]);
    const upload = (bytes: Buffer, type: string, name?: string) => {
      const form = new FormData();
      form.append('audio', new Blob([bytes], { type }), name);
      return hit('/voice/transcribe', { method: 'POST', body: form });
    };

    it('a valid WAV sent as application/octet-stream with no extension is taken (was 415)', async () => {
      const res = await upload(wav(), 'application/octet-stream', 'recording');
      expect(res.status).not.toBe(415);
      expect(res.status).toBeLessThan(500);
    });

    it('a WAV labelled audio/mpeg is taken as the WAV it is', async () => {
      const res = await upload(wav(), 'audio/mpeg', 'song.mp3');
      expect(res.status).not.toBe(415);
      expect(res.status).toBeLessThan(500);
    });

    it.each([
      ['a Windows PE executable labelled audio/mpeg', pe, 'audio/mpeg', 'song.mp3', /Windows executable/],
      ['a Mach-O executable labelled audio/wav', macho, 'audio/wav', 'voice.wav', /Mach-O executable/],
      [
        'text labelled audio/webm',
        () => Buffer.from('not audio at all, just words'),
        'audio/webm',
        'a.webm',
        /not a known audio container/,
      ],
    ])('%s is a 415 that names what the bytes are and what was declared', async (_n, bytes, type, name, what) => {
      const res = await upload(bytes(), type, name);
      expect(res.status).toBe(415);
      expect(res.body.message).toMatch(what);
      expect(res.body.message).toContain(`declared "${type}"`);
    });
  });

  describe('9: requests that never finish arriving', () => {
    let port: number;
    beforeAll(async () => {
      await p.startApp('gateway', 'gateway-timeouts', { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' });
      port = Number(new URL(p.urlOf('gateway-timeouts')).port);
    });

    it('a body that stops arriving (declared 1,000 bytes, sent 10, no credential) gets 408 in our shape and the connection closes', async () => {
      const res = await raw(
        port,
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username"',
        10_000,
      );
      tally.requests++;
      tally.status_4xx++;
      expect(res.status).toBe(408);
      expect(res.ms).toBeLessThan(4_000);
      expect(JSON.parse(res.body.slice(res.body.indexOf('\r\n\r\n') + 4))).toMatchObject({
        statusCode: 408,
        error: 'REQUEST_TIMEOUT',
        trace_id: expect.any(String),
      });
    });

    it('headers that trickle in (slowloris) get 408 after HEADERS_TIMEOUT_MS', async () => {
      const res = await raw(port, 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ', 10_000);
      tally.requests++;
      tally.status_4xx++;
      expect(res.status).toBe(408);
      expect(res.ms).toBeLessThan(3_000);
    });

    it('a chunked body that stalls is cut too; a prompt request on the same gateway still answers', async () => {
      const res = await raw(
        port,
        'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"mes\r\n',
        10_000,
      );
      tally.requests++;
      tally.status_4xx++;
      expect(res.status).toBe(408);
      expect((await fetch(`${p.urlOf('gateway-timeouts')}/health`)).status).toBe(200);
    });
  });

  describe('11: an empty server does not hand the admin role to a stranger', () => {
    const empties: RedisServerHandle[] = [];
    afterAll(async () => {
      await Promise.all(empties.map((r) => r.stop()));
    });
    const register = (url: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => {
        tally.requests++;
        if (r.status >= 400 && r.status < 500) tally.status_4xx++;
        return { status: r.status, body: await r.json() };
      });

    it('without ADMIN_BOOTSTRAP_TOKEN the first sign-up is accepted from loopback only (a client through the proxy is refused)', async () => {
      const redis = await startRedisServer();
      empties.push(redis);
      await p.startApp('gateway', 'gateway-empty', { REDIS_URL: redis.url, TRUST_PROXY: '1' });
      const url = p.urlOf('gateway-empty');
      const remote = await register(url, { username: 'intruder', password: 'intruder-password' }, { 'x-forwarded-for': '203.0.113.9' });
      expect(remote).toMatchObject({ status: 403, body: { error: 'ADMIN_BOOTSTRAP_REQUIRED' } });
      const spoofed = await register(
        url,
        { username: 'intruder', password: 'intruder-password' },
        { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' },
      );
      expect(spoofed.status).toBe(403);
      expect(await register(url, { username: 'operator', password: 'operator-password' })).toMatchObject({
        status: 201,
        body: { role: 'admin' },
      });
      expect(await register(url, { username: 'second', password: 'second-password' }, { 'x-forwarded-for': '203.0.113.9' })).toMatchObject({
        status: 201,
        body: { role: 'user' },
      });
    });

    it('with ADMIN_BOOTSTRAP_TOKEN the first sign-up needs it, even from loopback', async () => {
      const redis = await startRedisServer();
      empties.push(redis);
      await p.startApp('gateway', 'gateway-token', {
        REDIS_URL: redis.url,
        ADMIN_BOOTSTRAP_TOKEN: 'bootstrap-secret-for-the-test-0123456789',
      });
      const url = p.urlOf('gateway-token');
      expect((await register(url, { username: 'first', password: 'first-password' })).status).toBe(403);
      expect((await register(url, { username: 'first', password: 'first-password', bootstrap_token: 'wrong' })).status).toBe(403);
      const ok = await register(url, {
        username: 'first',
        password: 'first-password',
        bootstrap_token: 'bootstrap-secret-for-the-test-0123456789',
      });
      expect(ok).toMatchObject({ status: 201, body: { role: 'admin' } });
    });
  });

  describe('14: advice that can be followed', () => {
    it('the search stream says incomplete: true only after something was streamed (here no provider answers: false)', async () => {
      const res = await fetch(`${p.baseUrl}/search/stream`, {
        method: 'POST',
        headers: { ...p.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'offline probe', user_id: p.userId, options: { provider: 'searxng' } }),
      });
      tally.requests++;
      const events = await readSse(res);
      const error = events.find((e) => e.event === 'error');
      if (error) expect(error.data.incomplete).toBe(events.indexOf(error) > 0);
      else expect(events.map((e) => e.event)).toContain('done');
    });

    it('POST /auth/logout with an API key says it is not a session (400) instead of a 204 while the key keeps working', async () => {
      const created = await hit('/auth/api-keys', { method: 'POST', json: { name: 'logout probe' } });
      expect(created.status).toBe(201);
      const key = { authorization: `Bearer ${created.body.key}` };
      const res = await hit('/auth/logout', { method: 'POST', as: key, json: {} });
      expect(res).toMatchObject({
        status: 400,
        body: { error: 'SESSION_REQUIRED', message: expect.stringMatching(/DELETE \/auth\/api-keys\//) },
      });
      expect((await hit('/auth/me', { as: key })).status).toBe(200);
    });

    it('POST /chat takes "ephemeral": true (the memory-down error says to send it) and stores nothing', async () => {
      const res = await hit('/chat', {
        method: 'POST',
        json: { message: 'hello there', user_id: p.userId, session_id: 'ephemeral-1', ephemeral: true, options: { max_tokens: 4 } },
      });
      expect(res.status).toBe(200);
      const sessions = await hit(`/chat/sessions/${p.userId}`);
      expect((sessions.body as { session_id: string }[]).map((s) => s.session_id)).not.toContain('ephemeral-1');
    });
  });

  afterAll(() => {
    expect(tally.fives).toEqual([]);
  });
});
