import { request } from 'node:http';
import { Platform, TestUser, startPlatform } from '../support/platform';

/**
 * Edge protections on two gateway instances sharing one Redis: rate limits (per user, per
 * address, sign-in attempts), body and upload limits, content types, CORS, security headers,
 * and "every route but the public ones needs a credential". TRUST_PROXY lets each test act from
 * its own client address through X-Forwarded-For, so budgets never leak between tests.
 */
describe('security at the edge (two gateways, real Redis)', () => {
  let p: Platform;
  let b: string;

  beforeAll(async () => {
    p = await startPlatform({
      services: [],
      env: {
        TRUST_PROXY: 'true',
        RATE_LIMIT_DEFAULT: '4',
        RATE_LIMIT_IP_MULTIPLIER: '3',
        RATE_LIMIT_AUTH: '40',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        LOGIN_MAX_FAILURES_PER_IP: '6',
        LOGIN_ACCOUNT_SLOWDOWN_AFTER: '8',
        LOGIN_ACCOUNT_SLOWDOWN_MS: '3000',
        CORS_ORIGINS: 'https://app.example.com',
        BODY_LIMIT_SEARCH: '4096',
      },
    });
    await p.startApp('gateway', 'gateway-b');
    b = p.urlOf('gateway-b');
  });
  afterAll(() => p?.stop());

  /** POST with node:http, chunk by chunk; resolves with the answer as soon as it is complete, whatever happens to the upload after it. */
  const send = (url: string, headers: Record<string, string>, chunks: string[], end = true) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
          req.destroy();
        });
      });
      req.on('error', (err) => !answered && reject(err));
      (async () => {
        for (const c of chunks) {
          if (answered || req.destroyed) return;
          req.write(c);
          await new Promise((r) => setImmediate(r));
        }
        if (end && !answered) req.end();
      })();
    });
  const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...headers });
  const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  describe('rate limits shared by every instance', () => {
    it("a user's budget spent on instance A is enforced on instance B, with IETF RateLimit headers and Retry-After", async () => {
      const u = await p.createUser('rl-user');
      const remaining: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${p.baseUrl}/auth/me`, { headers: from('10.0.1.1', u.headers) });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe('4');
        remaining.push(res.headers.get('ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['3', '2', '1', '0']);
      const res = await fetch(`${b}/auth/me`, { headers: from('10.0.1.2', u.headers) });
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(res.headers.get('ratelimit-reset'))).toBe(retry);
      expect((await res.json()).message).toMatch(/your account/);
    });

    it('one address is limited across users (budget x RATE_LIMIT_IP_MULTIPLIER), on both instances', async () => {
      const users: TestUser[] = [];
      for (let i = 0; i < 4; i++) users.push(await p.createUser(`rl-ip-${i}`));
      let ok = 0;
      for (const u of users.slice(0, 3)) {
        for (let i = 0; i < 4; i++)
          ok += (await fetch(`${i % 2 ? b : p.baseUrl}/auth/me`, { headers: from('10.0.2.1', u.headers) })).status === 200 ? 1 : 0;
      }
      expect(ok).toBe(12);
      const res = await fetch(`${b}/auth/me`, { headers: from('10.0.2.1', users[3].headers) });
      expect(res.status).toBe(429);
      expect((await res.json()).message).toMatch(/your address/);
      // The same fresh user from another address still has its own budget.
      expect((await fetch(`${p.baseUrl}/auth/me`, { headers: from('10.0.2.2', users[3].headers) })).status).toBe(200);
    });

    it('limits sign-in requests per address (RATE_LIMIT_AUTH), counting refused ones too, and an IPv6 /64 as one address', async () => {
      const statuses: number[] = [];
      // Every request from a different address of the same /64: one subscriber, one budget.
      for (let i = 0; i < 41; i++)
        statuses.push(
          (await post(i % 2 ? b : p.baseUrl, '/auth/register', { username: '../bad' }, from(`2001:db8:3:1::${(i + 1).toString(16)}`)))
            .status,
        );
      expect(statuses.slice(0, 40).every((s) => s === 400)).toBe(true);
      expect(statuses[40]).toBe(429);
      expect((await post(p.baseUrl, '/auth/register', { username: '../bad' }, from('2001:db8:3:2::1'))).status).toBe(400);
    });

    it('slows the guessing address down exponentially, never the owner elsewhere (issue 14: 5 failures from anywhere locked any account)', async () => {
      const u = await p.createUser('locked-out');
      for (let i = 0; i < 3; i++)
        expect(
          (await post(p.baseUrl, '/auth/login', { username: 'locked-out', password: 'wrong password' }, from('10.0.4.1'))).status,
        ).toBe(401);
      // The guesser waits (the password is not even checked) …
      const res = await post(b, '/auth/login', { username: 'LOCKED-OUT', password: u.password }, from('10.0.4.1'));
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await res.json()).error).toBe('TOO_MANY_LOGIN_ATTEMPTS');
      // … and each further failure doubles the wait: 1 s, 2 s, 4 s.
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await post(p.baseUrl, '/auth/login', { username: 'locked-out', password: 'wrong again' }, from('10.0.4.1'))).status).toBe(
        401,
      );
      expect(
        Number(
          (await post(p.baseUrl, '/auth/login', { username: 'locked-out', password: 'x-wrong-x' }, from('10.0.4.1'))).headers.get(
            'retry-after',
          ),
        ),
      ).toBe(2);
      // The owner, from anywhere else, signs in at once.
      expect((await post(b, '/auth/login', { username: 'LOCKED-OUT', password: u.password }, from('10.0.4.2'))).status).toBe(200);
    });

    it('a distributed guesser (one failure per address) gets one attempt per LOGIN_ACCOUNT_SLOWDOWN_MS; the owner from a known address is not slowed', async () => {
      const u = await p.createUser('botnet-target');
      expect((await post(p.baseUrl, '/auth/login', { username: 'botnet-target', password: u.password }, from('10.0.7.1'))).status).toBe(
        200,
      );
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push(
          (await post(i % 2 ? b : p.baseUrl, '/auth/login', { username: 'botnet-target', password: 'wrong password' }, from(`10.1.${i}.9`)))
            .status,
        );
      expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
      expect((await post(b, '/auth/login', { username: 'botnet-target', password: u.password }, from('10.0.7.1'))).status).toBe(200);
    });

    it('rotating the left of X-Forwarded-For does not give a new address (one trusted hop: the right-most entry counts)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push(
          (
            await post(
              p.baseUrl,
              '/auth/login',
              { username: `rot-${i}`, password: 'wrong password' },
              { 'x-forwarded-for': `198.18.${i}.1, 10.0.8.1` },
            )
          ).status,
        );
      }
      expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
      expect(statuses.slice(6)).toEqual([429, 429]);
    });

    it('locks an address after LOGIN_MAX_FAILURES_PER_IP failures across accounts', async () => {
      const u = await p.createUser('innocent');
      for (let i = 0; i < 6; i++)
        expect(
          (await post(i % 2 ? b : p.baseUrl, '/auth/login', { username: `guess-${i}`, password: 'wrong password' }, from('10.0.5.1')))
            .status,
        ).toBe(401);
      expect((await post(p.baseUrl, '/auth/login', { username: 'innocent', password: u.password }, from('10.0.5.1'))).status).toBe(429);
      expect((await post(p.baseUrl, '/auth/login', { username: 'innocent', password: u.password }, from('10.0.5.2'))).status).toBe(200);
    });

    it('never limits or tags health probes', async () => {
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${p.baseUrl}/health`, { headers: from('10.0.1.1') });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBeNull();
      }
    });
  });

  describe('bodies, uploads and content types', () => {
    it('applies the per-class JSON body limit (413), also to chunked bodies without Content-Length', async () => {
      const big = JSON.stringify({ query: 'x'.repeat(5000), user_id: 'tester' });
      expect((await post(p.baseUrl, '/search', big, from('10.0.6.1', p.headers))).status).toBe(413);
      // No Content-Length: Fastify has to count while reading. The server may answer 413 and close before the
      // last chunk is written, so the answer is taken when it arrives and write errors after it are expected.
      const chunks = [`{"query":"${'y'.repeat(1000)}`, ...Array(9).fill('y'.repeat(1000)), '"}'];
      const chunked = await send(`${b}/search`, { 'content-type': 'application/json', ...from('10.0.6.1', p.headers) }, chunks);
      expect(chunked.status).toBe(413);
      // The same size is fine where the class allows more (agents): the 400 is about the field, not the size.
      const agents = await post(
        p.baseUrl,
        '/agent/code-review',
        { code: 'x'.repeat(5000), language: 'cobol', user_id: 'tester' },
        from('10.0.6.1', p.headers),
      );
      expect(agents.status).toBe(400);
    });

    it('refuses an upload whose Content-Length is over the route limit before reading it', async () => {
      // node:http, because fetch refuses a Content-Length that does not match the body: we announce 2 GiB and send 5 bytes.
      const { status, body } = await send(
        `${p.baseUrl}/voice/transcribe`,
        {
          ...from('10.0.6.2', p.headers),
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(2 * 1024 * 1024 * 1024),
        },
        ['--x--'],
        false,
      );
      expect(status).toBe(413);
      expect(body).toMatch(/at most \d+/);
    });

    it.each([
      [
        'multipart on a JSON route',
        'multipart/form-data; boundary=abc',
        '--abc\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--abc--\r\n',
      ],
      ['text/plain', 'text/plain', '{"message":"hi","user_id":"tester"}'],
      ['form-urlencoded', 'application/x-www-form-urlencoded', 'message=hi&user_id=tester'],
      ['no content type', '', '{"message":"hi","user_id":"tester"}'],
    ])('answers %s on POST /chat with a 400 naming Content-Type', async (_n, type, body) => {
      const headers: Record<string, string> = from('10.0.6.3', p.headers);
      if (type) headers['content-type'] = type;
      // Bytes, not a string: fetch would add text/plain to a string body.
      const res = await fetch(`${p.baseUrl}/chat`, { method: 'POST', headers, body: new TextEncoder().encode(body) });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/Content-Type|JSON object/);
    });
  });

  describe('CORS and headers', () => {
    it('allows preflights from CORS_ORIGINS only', async () => {
      const ok = await fetch(`${b}/chat`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const bad = await fetch(`${b}/chat`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(bad.status).toBe(403);
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    });

    it.each([['/health'], ['/'], ['/docs'], ['/auth/me']])('sends security headers on %s', async (path) => {
      const res = await fetch(`${p.baseUrl}${path}`);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    });
  });

  describe('authentication everywhere', () => {
    const PUBLIC = new Set([
      'GET /health',
      'GET /health/ready',
      'GET /metrics',
      'POST /auth/register',
      'POST /auth/login',
      'POST /auth/refresh',
      'POST /auth/logout',
    ]);

    it('answers 401 without a credential on every route of the OpenAPI document except the public ones', async () => {
      const doc = await (await fetch(`${p.baseUrl}/docs-json`)).json();
      const checked: string[] = [];
      for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
        for (const method of Object.keys(ops)) {
          const key = `${method.toUpperCase()} ${path}`;
          const url = `${b}${path.replace(/\{[^}]+\}/g, 'tester')}`;
          // A fresh address per request: the sweep must meet the guard's 401, not the address budget.
          const ip = `10.0.7.${checked.length + 1}`;
          // Logout is public but needs something to end: an unknown refresh token is a quiet 204.
          const body = method === 'get' ? undefined : key === 'POST /auth/logout' ? '{"refresh_token":"nrt_unknown"}' : '{}';
          const res = await fetch(url, {
            method: method.toUpperCase(),
            headers: { 'content-type': 'application/json', ...from(ip) },
            body,
          });
          await res.arrayBuffer();
          if (PUBLIC.has(key)) expect([key, res.status]).not.toEqual([key, 401]);
          else expect([key, res.status]).toEqual([key, 401]);
          checked.push(key);
        }
      }
      expect(checked.length).toBeGreaterThan(20);
      expect(checked).toEqual(expect.arrayContaining(['POST /chat', 'GET /chat/history/{user_id}', 'GET /auth/me', 'GET /auth/users']));
    });

    it('keeps /metrics public by default and admin-only with METRICS_PUBLIC=false', async () => {
      expect((await fetch(`${p.baseUrl}/metrics`)).status).toBe(200);
      await p.startApp('gateway', 'gateway-private-metrics', { METRICS_PUBLIC: 'false' });
      const url = `${p.urlOf('gateway-private-metrics')}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: p.headers })).status).toBe(403);
      const admin = await fetch(url, { headers: p.admin!.headers });
      expect(admin.status).toBe(200);
      expect(await admin.text()).toContain('nitro_http_requests_total');
    });
  });
});
