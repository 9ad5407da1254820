import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TEST_LOG_DIR } from '@nitro/testing';
import { appScript, Platform, recordSecret, startPlatform, TEST_SECRETS_DIR } from '../support/platform';

/** Shapes of credentials we issue: none may appear in any log line, whoever's they are. */
const SHAPES: [string, RegExp][] = [
  ['JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/],
  ['API key', /nitro_[A-Za-z0-9_-]{43}/],
  ['refresh token', /nrt_[A-Za-z0-9_-]{43}/],
  ['password hash', /\$argon2id\$/],
];

/** Runs the gateway until it exits (a start that must fail), its output kept with the other test logs. */
function runToExit(env: Record<string, string>, name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [appScript('gateway')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      writeFileSync(join(TEST_LOG_DIR, `${name}-${child.pid}.log`), output);
      resolve({ code, output });
    });
  });
}

/**
 * Secrets never reach a log: every credential this suite handles (and every one the harness
 * recorded for the other suites of the run) is searched for in tmp/test-logs/*.log, at debug
 * level, after exercising every path that touches one: sign-up, failed and good sign-ins,
 * refresh, reuse, API keys, logout, tokens in URLs and headers, a generated development key.
 */
describe('secrets never appear in the logs of the test run', () => {
  let p: Platform;
  const secrets: string[] = [];

  beforeAll(async () => {
    // JWT_SECRET empty: the development key is generated and shared through Redis (read back below).
    p = await startPlatform({ services: [], env: { LOG_LEVEL: 'debug', JWT_SECRET: '', REFRESH_REUSE_GRACE_S: '0' } });
    await p.startApp('gateway', 'gateway-b');
  });
  afterAll(() => p?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${p.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('exercises every secret-handling path', async () => {
    const redis = new Redis(p.redis.url);
    const devKey = await redis.get('nitro:auth:jwt-secret');
    await redis.quit();
    expect(devKey?.length).toBeGreaterThanOrEqual(32);
    secrets.push(devKey!, p.admin!.password, p.user!.password, p.user!.accessToken, p.user!.refreshToken);
    // The generated key is shared: a token from instance A works on instance B.
    expect((await fetch(`${p.urlOf('gateway-b')}/auth/me`, { headers: p.headers })).status).toBe(200);

    const u = await p.createUser('secretive', 'my very secret passphrase 🔑');
    secrets.push(u.password, u.accessToken, u.refreshToken);
    expect((await post('/auth/login', { username: 'secretive', password: 'wrong secret passphrase X' })).status).toBe(401);
    secrets.push('wrong secret passphrase X');
    expect((await post('/auth/register', { username: '../bad', password: 'bad-user secret passphrase' })).status).toBe(400);
    secrets.push('bad-user secret passphrase');
    const refreshed = await (await post('/auth/refresh', { refresh_token: u.refreshToken })).json();
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    expect((await post('/auth/refresh', { refresh_token: u.refreshToken })).status).toBe(401); // reuse: logged as a warning
    const v = await p.login('secretive', u.password);
    secrets.push(v.accessToken, v.refreshToken);
    const key = await (await post('/auth/api-keys', { name: 'logged' }, v.headers)).json();
    secrets.push(key.key);
    expect((await fetch(`${p.baseUrl}/auth/me`, { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(200);
    // Credentials where they do not belong: URL path, query string, a malformed body, a bad header.
    await fetch(`${p.baseUrl}/chat/history/${encodeURIComponent(v.accessToken)}`, { headers: v.headers });
    await fetch(`${p.baseUrl}/auth/me?access_token=${v.accessToken}&api_key=${key.key}`);
    await fetch(`${p.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":"secretive","password":"${u.password}"`,
    });
    await fetch(`${p.baseUrl}/auth/me`, { headers: { authorization: `Token ${v.refreshToken}` } });
    expect((await fetch(`${p.baseUrl}/auth/api-keys/${key.id}`, { method: 'DELETE', headers: v.headers })).status).toBe(204);
    expect((await post('/auth/logout', { refresh_token: v.refreshToken })).status).toBe(204);
    // A key that is too short stops the start with a message naming JWT_SECRET, never its value.
    const short = 'tooShortButStillSecret-xyz';
    secrets.push(short);
    const bad = await runToExit({ REDIS_URL: p.redis.url, PORT: '0', JWT_SECRET: short }, 'gateway-short-secret');
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/JWT_SECRET is too short/);
    const prod = await runToExit({ REDIS_URL: p.redis.url, PORT: '0', NODE_ENV: 'production', JWT_SECRET: '' }, 'gateway-prod-no-secret');
    expect(prod.code).not.toBe(0);
    expect(prod.output).toMatch(/JWT_SECRET \(or JWT_SECRET_FILE\) is required/);
    recordSecret(...secrets);
  });

  it('finds none of them, nor anything shaped like a credential, in tmp/test-logs/*.log', async () => {
    await p.stop(); // flush and close every log file first
    const recorded = readdirSync(TEST_SECRETS_DIR).flatMap((f) => readFileSync(join(TEST_SECRETS_DIR, f), 'utf8').split('\n'));
    const needles = [...new Set([...secrets, ...recorded].filter((s) => s && s.length >= 8))];
    expect(needles.length).toBeGreaterThanOrEqual(secrets.length);
    const files = readdirSync(TEST_LOG_DIR).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(3);
    const leaks: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(TEST_LOG_DIR, f), 'utf8');
      for (const n of needles) if (text.includes(n)) leaks.push(`${f}: contains a recorded secret (${n.slice(0, 4)}…)`);
      for (const [name, re] of SHAPES) if (re.test(text)) leaks.push(`${f}: contains something shaped like a ${name}`);
    }
    expect(leaks).toEqual([]);
    // The scan can see: the suite's own gateway log is among the files and has its debug lines.
    expect(files.some((f) => f.startsWith('gateway-b-'))).toBe(true);
  });
});
