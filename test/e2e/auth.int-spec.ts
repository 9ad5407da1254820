import { Redis } from 'ioredis';
import { waitFor } from '@nitro/testing';
import { Platform, TestUser, decodeJwt, signTestJwt, startPlatform } from '../support/platform';

/**
 * Accounts, sessions and API keys end to end: two gateway instances on one real Redis, so every
 * revocation is also checked on the instance that did not perform it.
 */
describe('auth: accounts, tokens, API keys, admin (two gateways, real Redis)', () => {
  let p: Platform;
  let b: string;

  beforeAll(async () => {
    // Strict reuse detection here; the grace period for concurrent refreshes has its own test and instance.
    p = await startPlatform({ services: [], env: { REFRESH_REUSE_GRACE_S: '0' } });
    await p.startApp('gateway', 'gateway-b');
    b = p.urlOf('gateway-b');
  });
  afterAll(() => p?.stop());

  const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const me = (url: string, headers: Record<string, string>) => fetch(`${url}/auth/me`, { headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('makes the first account the admin and later ones normal users', async () => {
    expect(p.admin!.role).toBe('admin');
    expect(p.user!.role).toBe('user');
    const res = await me(b, p.headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'tester', role: 'user', via: 'jwt' });
  });

  it.each([
    ['a path-like username', { username: '../admin', password: 'long enough' }, /username/],
    ['a username over 64 characters', { username: 'a'.repeat(65), password: 'long enough' }, /username/],
    ['a short password', { username: 'shorty', password: 'short' }, /password/],
    ['a password that is not a string', { username: 'typed', password: 12345678 }, /password/],
    ['an unknown field', { username: 'extra', password: 'long enough', role: 'admin' }, /role/],
  ])('refuses to register %s with a 400 naming the field', async (_n, body, field) => {
    const res = await post(p.baseUrl, '/auth/register', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await res.json()).message)).toMatch(field);
  });

  it('treats usernames case-insensitively: "TESTER" is taken, and signs in as the registered id', async () => {
    expect((await post(b, '/auth/register', { username: 'TESTER', password: 'another password' })).status).toBe(409);
    const again = await p.login('TeStEr', p.user!.password, b);
    expect(again.id).toBe('tester');
    expect(decodeJwt(again.accessToken).sub).toBe('tester');
  });

  it('refuses a wrong password and an unknown account with the same 401', async () => {
    const wrong = await post(p.baseUrl, '/auth/login', { username: 'tester', password: 'not the password' });
    const unknown = await post(p.baseUrl, '/auth/login', { username: 'nobody-here', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).message).toBe((await unknown.json()).message);
  });

  it('rotates refresh tokens and revokes the whole session when a spent one is replayed', async () => {
    const u = await p.login('tester', p.user!.password);
    const r1 = await post(p.baseUrl, '/auth/refresh', { refresh_token: u.refreshToken });
    expect(r1.status).toBe(200);
    const t1 = await r1.json();
    expect(t1.refresh_token).not.toBe(u.refreshToken);
    expect((await me(b, bearer(t1.access_token))).status).toBe(200);
    // The stolen old token is replayed (on the other instance): the family dies.
    const replay = await post(b, '/auth/refresh', { refresh_token: u.refreshToken });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error).toBe('REFRESH_TOKEN_REUSED');
    expect((await me(p.baseUrl, bearer(t1.access_token))).status).toBe(401);
    expect((await me(b, bearer(u.accessToken))).status).toBe(401);
    expect((await post(p.baseUrl, '/auth/refresh', { refresh_token: t1.refresh_token })).status).toBe(401);
    // Other sessions of the same user are untouched.
    expect((await me(p.baseUrl, p.headers)).status).toBe(200);
  });

  it('answers a refresh repeated within REFRESH_REUSE_GRACE_S with the same new token (two tabs), and revokes on reuse after it', async () => {
    await p.startApp('gateway', 'gateway-grace', { REFRESH_REUSE_GRACE_S: '3' });
    const g = p.urlOf('gateway-grace');
    const u = await p.login('tester', p.user!.password);
    const [a, c] = await Promise.all([
      post(g, '/auth/refresh', { refresh_token: u.refreshToken }),
      post(g, '/auth/refresh', { refresh_token: u.refreshToken }),
    ]);
    expect([a.status, c.status]).toEqual([200, 200]);
    const [ta, tc] = [await a.json(), await c.json()];
    expect(ta.refresh_token).toBe(tc.refresh_token);
    expect((await me(b, bearer(ta.access_token))).status).toBe(200);
    expect((await me(b, bearer(tc.access_token))).status).toBe(200);
    const redis = new Redis(p.redis.url);
    const family = decodeJwt(ta.access_token).sid;
    await waitFor(async () => (await redis.exists(`nitro:{auth}:family-grace:${family}`)) === 0, { timeoutMs: 10_000 });
    await redis.quit();
    const late = await post(g, '/auth/refresh', { refresh_token: u.refreshToken });
    expect((await late.json()).error).toBe('REFRESH_TOKEN_REUSED');
    expect((await me(b, bearer(ta.access_token))).status).toBe(401);
  });

  /** POST /auth/password on `base` with the current and the new password. */
  const changePassword = (base: string, current: string, next: string, headers: Record<string, string>) =>
    post(base, '/auth/password', { current_password: current, new_password: next }, headers);

  it('logout ends the session at once on both instances (access and refresh token)', async () => {
    const u = await p.login('tester', p.user!.password);
    expect((await me(b, u.headers)).status).toBe(200);
    expect((await post(p.baseUrl, '/auth/logout', { refresh_token: u.refreshToken })).status).toBe(204);
    expect((await me(b, u.headers)).status).toBe(401);
    expect((await post(b, '/auth/refresh', { refresh_token: u.refreshToken })).status).toBe(401);
    // Logout with only the access token ends that session too.
    const v = await p.login('tester', p.user!.password);
    expect((await post(b, '/auth/logout', {}, v.headers)).status).toBe(204);
    expect((await me(p.baseUrl, v.headers)).status).toBe(401);
  });

  it('changes a password only with the current one, ends every session, and keeps API keys', async () => {
    const u = await p.createUser('changer', 'first password 1');
    const other = await p.login('changer', 'first password 1');
    const key = (await (await post(p.baseUrl, '/auth/api-keys', { name: 'stays' }, u.headers)).json()).key;
    // A wrong current password is bad input (400 naming the field), not a failed authentication: the session stays.
    const wrong = await changePassword(p.baseUrl, 'not it at all', 'second password 2', u.headers);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: 'CURRENT_PASSWORD_WRONG',
      message: 'current_password is wrong',
      details: { param: 'current_password' },
    });
    expect((await me(p.baseUrl, u.headers)).status).toBe(200);
    expect((await changePassword(p.baseUrl, 'first password 1', 'short', u.headers)).status).toBe(400);
    const same = await changePassword(p.baseUrl, 'first password 1', 'first password 1', u.headers);
    expect([same.status, (await same.json()).details]).toEqual([400, { param: 'new_password' }]);
    expect((await me(p.baseUrl, u.headers)).status).toBe(200);
    expect((await changePassword(p.baseUrl, 'first password 1', 'second password 2', bearer(key))).status).toBe(403);
    expect((await changePassword(b, 'first password 1', 'second password 2', u.headers)).status).toBe(204);
    expect((await me(p.baseUrl, u.headers)).status).toBe(401);
    expect((await me(b, other.headers)).status).toBe(401);
    expect((await post(b, '/auth/refresh', { refresh_token: other.refreshToken })).status).toBe(401);
    expect((await post(p.baseUrl, '/auth/login', { username: 'changer', password: 'first password 1' })).status).toBe(401);
    expect((await post(p.baseUrl, '/auth/login', { username: 'changer', password: 'second password 2' })).status).toBe(200);
    expect((await me(b, bearer(key))).status).toBe(200);
  });

  it('wrong current passwords count toward the sign-in throttle: past the free ones a 429, even for the right one; the session stays', async () => {
    const u = await p.createUser('guesser', 'the real password 1');
    const statuses: number[] = [];
    // LOGIN_MAX_FAILURES_PER_ACCOUNT (5) free failures, then this account and address wait 1 s, 2 s, …
    for (let i = 0; i < 6; i++) statuses.push((await changePassword(p.baseUrl, `guess ${i} wrong`, 'mine now 12345', u.headers)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const right = await changePassword(p.baseUrl, 'the real password 1', 'mine now 12345', u.headers);
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ error: 'TOO_MANY_LOGIN_ATTEMPTS' });
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await me(b, u.headers)).status).toBe(200);
  });

  describe('API keys', () => {
    let other: TestUser;
    beforeAll(async () => {
      other = await p.createUser('key-owner');
    });

    it('creates a key shown once, lists prefixes only, and accepts it as a Bearer token on both instances', async () => {
      const res = await post(p.baseUrl, '/auth/api-keys', { name: 'ci pipeline' }, other.headers);
      expect(res.status).toBe(201);
      const created = await res.json();
      expect(created.key).toMatch(/^nitro_[A-Za-z0-9_-]{43}$/);
      expect(created.key.startsWith(created.prefix)).toBe(true);
      const list = await (await fetch(`${b}/auth/api-keys`, { headers: other.headers })).text();
      expect(list).toContain(created.prefix);
      expect(list).not.toContain(created.key);
      const who = await me(b, bearer(created.key));
      expect(await who.json()).toMatchObject({ id: 'key-owner', via: 'api_key' });
      // A key cannot mint more keys.
      expect((await post(b, '/auth/api-keys', { name: 'child' }, bearer(created.key))).status).toBe(403);
    });

    it("answers 404 for another user's key id and leaves that key working; revoking works at once everywhere", async () => {
      const created = await (await post(p.baseUrl, '/auth/api-keys', { name: 'to revoke' }, other.headers)).json();
      const foreign = await fetch(`${p.baseUrl}/auth/api-keys/${created.id}`, { method: 'DELETE', headers: p.headers });
      expect(foreign.status).toBe(404);
      expect((await me(b, bearer(created.key))).status).toBe(200);
      expect((await fetch(`${b}/auth/api-keys/${created.id}`, { method: 'DELETE', headers: other.headers })).status).toBe(204);
      expect((await me(p.baseUrl, bearer(created.key))).status).toBe(401);
      expect((await me(b, bearer(created.key))).status).toBe(401);
    });

    it('refuses an invented key, a malformed key id and a key-shaped garbage token', async () => {
      expect((await me(p.baseUrl, bearer(`nitro_${'A'.repeat(43)}`))).status).toBe(401);
      expect((await fetch(`${p.baseUrl}/auth/api-keys/..%2F..%2Fetc`, { method: 'DELETE', headers: other.headers })).status).toBe(400);
      expect((await me(p.baseUrl, bearer('nitro_'))).status).toBe(401);
      // A short token is still a Bearer token: the answer says the key or token is wrong, not the header's format.
      const short = await me(p.baseUrl, bearer('nitro_bogus'));
      expect([short.status, (await short.json()).message]).toEqual([401, 'the API key is invalid or was revoked']);
      const notJwt = await me(p.baseUrl, bearer('abc'));
      expect((await notJwt.json()).message).toMatch(/access token is invalid or expired/);
      expect((await (await me(p.baseUrl, { authorization: 'Basic abc' })).json()).message).toMatch(/must be "Bearer/);
    });
  });

  describe('forged and expired access tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({ ...decodeJwt(p.user!.accessToken) });

    it('accepts a token re-signed with the configured key (control), then refuses each variant with 401', async () => {
      const good = signTestJwt({ ...claims(), iat: now(), exp: now() + 60 }, p.env.JWT_SECRET);
      expect((await me(p.baseUrl, bearer(good))).status).toBe(200);
      const variants: Record<string, string> = {
        expired: signTestJwt({ ...claims(), iat: now() - 120, exp: now() - 60 }, p.env.JWT_SECRET),
        'signed with another key': signTestJwt({ ...claims(), iat: now(), exp: now() + 60 }, 'x'.repeat(48)),
        'payload changed to the admin': (() => {
          const [h, , s] = p.user!.accessToken.split('.');
          return `${h}.${Buffer.from(JSON.stringify({ ...claims(), sub: 'admin' })).toString('base64url')}.${s}`;
        })(),
        'alg none': signTestJwt({ ...claims(), iat: now(), exp: now() + 60 }, '', { alg: 'none', typ: 'JWT' }).replace(/\.[^.]+$/, '.'),
        'unknown session': signTestJwt({ ...claims(), sid: 'no-such-session', iat: now(), exp: now() + 60 }, p.env.JWT_SECRET),
        'wrong audience': signTestJwt({ ...claims(), aud: 'someone-else', iat: now(), exp: now() + 60 }, p.env.JWT_SECRET),
        'not an access token': signTestJwt({ ...claims(), typ: 'refresh', iat: now(), exp: now() + 60 }, p.env.JWT_SECRET),
      };
      for (const [name, token] of Object.entries(variants)) {
        const res = await me(b, bearer(token));
        expect([name, res.status]).toEqual([name, 401]);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it.each([
      ['Basic credentials', 'Basic dGVzdDp0ZXN0'],
      ['Bearer without a token', 'Bearer'],
      ['another scheme', 'token abc.def.ghi'],
      ['a 5,000-character token', `Bearer ${'a'.repeat(5000)}`],
    ])('refuses an Authorization header with %s with 401', async (_n, header) => {
      const res = await me(p.baseUrl, { authorization: header });
      expect(res.status).toBe(401);
    });
  });

  describe('admin', () => {
    let victim: TestUser;
    let victimKey: string;
    beforeAll(async () => {
      victim = await p.createUser('to-disable');
      victimKey = (await (await post(p.baseUrl, '/auth/api-keys', { name: 'k' }, victim.headers)).json()).key;
    });

    it('lists users for the admin only', async () => {
      expect((await fetch(`${p.baseUrl}/auth/users`, { headers: p.headers })).status).toBe(403);
      const res = await fetch(`${b}/auth/users`, { headers: p.admin!.headers });
      expect(res.status).toBe(200);
      const users = await res.json();
      expect(users[0]).toMatchObject({ id: 'admin', role: 'admin', disabled: false });
      expect(users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining(['tester', 'to-disable']));
      expect(JSON.stringify(users)).not.toMatch(/argon2|pw/);
    });

    it('disabling a user stops their tokens, refresh token and API keys at once on both instances; enabling restores the key', async () => {
      expect((await me(b, victim.headers)).status).toBe(200);
      expect((await post(p.baseUrl, '/auth/users/to-disable/disable', {}, p.headers)).status).toBe(403);
      const res = await post(p.baseUrl, '/auth/users/to-disable/disable', {}, p.admin!.headers);
      expect(res.status).toBe(200);
      expect((await res.json()).disabled).toBe(true);
      for (const url of [p.baseUrl, b]) {
        expect((await me(url, victim.headers)).status).toBe(401);
        expect((await me(url, bearer(victimKey))).status).toBe(401);
      }
      expect((await post(b, '/auth/refresh', { refresh_token: victim.refreshToken })).status).toBe(401);
      const login = await post(b, '/auth/login', { username: 'to-disable', password: victim.password });
      expect(login.status).toBe(403);
      expect((await login.json()).error).toBe('ACCOUNT_DISABLED');
      expect((await post(b, '/auth/users/to-disable/enable', {}, p.admin!.headers)).status).toBe(200);
      expect((await me(p.baseUrl, bearer(victimKey))).status).toBe(200);
      // Sessions ended by the disable stay ended.
      expect((await me(p.baseUrl, victim.headers)).status).toBe(401);
    });

    it('refuses to disable itself or an unknown user', async () => {
      expect((await post(p.baseUrl, '/auth/users/admin/disable', {}, p.admin!.headers)).status).toBe(400);
      expect((await post(p.baseUrl, '/auth/users/ghost/disable', {}, p.admin!.headers)).status).toBe(404);
    });

    it('closes registration for every instance, and config REGISTRATION_OPEN=false closes it regardless', async () => {
      const patch = (url: string, body: unknown, headers: Record<string, string>) =>
        fetch(`${url}/auth/settings`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      expect((await patch(p.baseUrl, { registration_open: false }, p.headers)).status).toBe(403);
      expect((await patch(p.baseUrl, { registration_open: 'no' }, p.admin!.headers)).status).toBe(400);
      expect((await (await patch(p.baseUrl, { registration_open: false }, p.admin!.headers)).json()).registration_open).toBe(false);
      const closed = await post(b, '/auth/register', { username: 'latecomer', password: 'long enough' });
      expect(closed.status).toBe(403);
      expect((await closed.json()).error).toBe('REGISTRATION_CLOSED');
      await patch(b, { registration_open: true }, p.admin!.headers);
      await p.startApp('gateway', 'gateway-closed', { REGISTRATION_OPEN: 'false' });
      expect((await post(p.urlOf('gateway-closed'), '/auth/register', { username: 'latecomer', password: 'long enough' })).status).toBe(
        403,
      );
      expect((await post(b, '/auth/register', { username: 'latecomer', password: 'long enough' })).status).toBe(201);
    });
  });
});

describe('auth on a fresh server: first admin, development key', () => {
  let p: Platform;

  beforeAll(async () => {
    // No JWT_SECRET: the gateways generate one key in Redis and share it. Nobody registered yet.
    p = await startPlatform({ services: [], seedUsers: false, env: { JWT_SECRET: '' } });
    await p.startApp('gateway', 'gateway-b');
  });
  afterAll(() => p?.stop());

  it('makes exactly one admin when six people register at once through two instances', async () => {
    const urls = [p.baseUrl, p.urlOf('gateway-b')];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        fetch(`${urls[i % 2]}/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `racer-${i}`, password: 'a long enough password' }),
        }).then((r) => r.json()),
      ),
    );
    expect(results.map((r) => r.role).sort()).toEqual(['admin', 'user', 'user', 'user', 'user', 'user']);
  });

  it('signs on one instance and verifies on the other with the shared development key', async () => {
    const u = await p.login('racer-0', 'a long enough password', p.baseUrl);
    const res = await fetch(`${p.urlOf('gateway-b')}/auth/me`, { headers: u.headers });
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe('racer-0');
  });
});
