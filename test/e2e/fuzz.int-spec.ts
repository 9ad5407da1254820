import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AppName, Platform, TestUser, startPlatform } from '../support/platform';
import { bodiesFor, FuzzRequest, HEADER_ABUSE, operationsOf, pathsFor, QUERY_ABUSE, rng } from './fuzz-cases';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const SERVICES = (['ai-router', 'agents', 'search', 'voice', 'media'] as const).filter((s) =>
  existsSync(join(__dirname, '..', '..', 'dist', 'apps', s, 'src', 'main.js')),
);

/** Keys that move without anyone's data changing: rate-limit and sign-in counters, transport streams and presence. */
const VOLATILE = [
  /^nitro:rl:/,
  /^nitro:\{auth\}:login-fail:/,
  /^nitro:(req|rep|svc|cancel):/,
  /:stalled-check$/,
  /^bull:[^:]+:(events|metrics|stalled|meta)/,
];

async function snapshotRedis(redis: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys('*')).sort()) {
    if (VOLATILE.some((re) => re.test(key))) continue;
    const type = await redis.type(key);
    if (type === 'string') out[key] = await redis.getBuffer(key).then((b) => b?.toString('base64'));
    else if (type === 'hash') out[key] = await redis.hgetall(key);
    else if (type === 'set') out[key] = (await redis.smembers(key)).sort();
    else if (type === 'zset') out[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') out[key] = await redis.lrange(key, 0, -1);
    else out[key] = type; // streams: transport traffic, compared by existence only
  }
  return out;
}

/** One raw HTTP/1.1 exchange over TCP, for what fetch refuses to send. Resolves the status, 'closed' or 'timeout'. */
function raw(port: number, text: string | Buffer, timeoutMs = 4000): Promise<number | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (v: number | 'closed' | 'timeout') => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(data ? Number(data.slice(9, 12)) : 'timeout'));
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (/^HTTP\/1\.[01] \d{3}/.test(data)) done(Number(data.slice(9, 12)));
    });
    socket.on('error', () => done(data ? Number(data.slice(9, 12)) : 'closed'));
    socket.on('end', () => done(data ? Number(data.slice(9, 12)) : 'closed'));
    socket.write(text);
  });
}

describe('fuzz: 1,000+ malformed requests across every route (two gateways, all built services)', () => {
  let p: Platform;
  let fuzzer: TestUser;
  let redis: Redis;
  const gateways: string[] = [];

  beforeAll(async () => {
    p = await startPlatform({
      services: [...SERVICES] as Exclude<AppName, 'gateway'>[],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } },
    });
    await p.startApp('gateway', 'gateway-b');
    gateways.push(p.baseUrl, p.urlOf('gateway-b'));
    fuzzer = await p.createUser('fuzzer');
    // Some data of the victim that must survive the run untouched.
    await p.request('/auth/api-keys', { method: 'POST', json: { name: 'victim key' } });
    redis = new Redis(p.redis.url);
  }, 300_000);
  afterAll(async () => {
    await redis?.quit();
    await p?.stop();
  });

  it(`answers every malformed request with a 4xx (seed ${SEED}), crashes nothing and changes no stored data`, async () => {
    const pick = rng(SEED);
    const doc = await (await fetch(`${p.baseUrl}/docs-json`)).json();
    const ops = operationsOf(doc);
    const victim = p.userId;
    const reqs: FuzzRequest[] = [];
    for (const op of ops) {
      // Logout with the fuzzer's own token and no refresh token is a valid request (it ends that session): send none.
      const auth = op.path === '/auth/logout' ? {} : fuzzer.headers;
      const concrete = op.path.replace(/\{[^}]+\}/g, victim);
      if (op.method !== 'GET') {
        for (const b of bodiesFor(op, victim, pick)) {
          const binary = typeof b.body !== 'string';
          reqs.push({
            label: `${op.method} ${op.path} ${b.label}`,
            method: op.method,
            path: concrete,
            headers: { ...auth, 'content-type': 'application/json' },
            body: binary ? b.body : (b.body as string),
          });
        }
        if (op.multipart)
          reqs.push({
            label: `${op.method} ${op.path} broken multipart`,
            method: op.method,
            path: concrete,
            headers: { ...auth, 'content-type': 'multipart/form-data; boundary=zz' },
            body: '--zz\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n\r\nabc',
          });
      }
      for (const t of pathsFor(op, victim, pick, 6))
        reqs.push({
          label: `${op.method} ${t.label}`,
          method: op.method,
          path: t.path,
          headers: { ...auth, 'content-type': 'application/json' },
          body: op.method === 'GET' ? undefined : '{}',
        });
      for (const q of QUERY_ABUSE.slice(0, 4 + Math.floor(pick() * 7)))
        reqs.push({
          label: `${op.method} ${op.path}${q.slice(0, 40)}`,
          method: op.method,
          path: `${concrete}${q}`,
          headers: { ...auth, 'content-type': 'application/json' },
          body: op.method === 'GET' ? undefined : '{"user_id":1}',
        });
      const h = HEADER_ABUSE[Math.floor(pick() * HEADER_ABUSE.length)];
      reqs.push({
        label: `${op.method} ${op.path} header ${h.label}`,
        method: op.method,
        path: concrete,
        headers: { 'content-type': 'application/json', ...h.headers },
        body: op.method === 'GET' ? undefined : '{"user_id":"tester"}',
      });
    }
    for (const h of HEADER_ABUSE)
      reqs.push({
        label: `POST /chat header ${h.label}`,
        method: 'POST',
        path: '/chat',
        headers: { 'content-type': 'application/json', ...h.headers },
        body: JSON.stringify({ message: 'hi', user_id: victim }),
      });
    const before = await snapshotRedis(redis);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const [i, r] of reqs.entries()) {
      const base = gateways[i % 2];
      let status: number;
      let text = '';
      try {
        const res = await fetch(`${base}${r.path}`, {
          method: r.method,
          headers: r.headers,
          body: r.body as BodyInit | undefined,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        failures.push(`${r.label}: no answer (${(err as Error).message})`);
        continue;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) failures.push(`${r.label}: ${status} ${text.slice(0, 200)}`);
      else if (/node_modules|\n\s+at \S+ \(/.test(text)) failures.push(`${r.label}: stack trace in the answer`);
      else if (status < 400 && r.method !== 'GET') failures.push(`${r.label}: accepted with ${status}`);
    }

    const rawCases: [string, string | Buffer, boolean][] = [
      [
        'content-length and chunked together',
        'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
        false,
      ],
      [
        'bad chunk size',
        'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
        false,
      ],
      ['negative content-length', 'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n', false],
      ['text content-length', 'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\nConnection: close\r\n\r\n', false],
      [
        'null byte in a header',
        Buffer.from('GET /auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\nConnection: close\r\n\r\n', 'latin1'),
        false,
      ],
      ['20 KB header', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`, false],
      [
        '300 headers',
        `GET /health HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}Connection: close\r\n\r\n`,
        false,
      ],
      ['absolute-form URI', 'GET http://evil.example/auth/me HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n', false],
      ['unknown method', 'FOO /chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      ['TRACE', 'TRACE /chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      ['HTTP/1.0 without Host', 'GET /auth/me HTTP/1.0\r\n\r\n', false],
      ['no leading slash', 'GET health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      ['HTTP/9.9', 'GET /health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      ['raw traversal', 'GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      ['raw backslashes', 'GET /..\\..\\package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false],
      [
        'body shorter than content-length',
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{"username":',
        true,
      ],
    ];
    for (const [label, text, mayTimeOut] of rawCases) {
      for (const base of gateways) {
        const res = await raw(Number(new URL(base).port), text);
        if (res === 'timeout' && !mayTimeOut) failures.push(`raw ${label}: no answer`);
        if (typeof res === 'number' && res >= 500) failures.push(`raw ${label}: ${res}`);
      }
    }

    const total = reqs.length + rawCases.length * gateways.length;
    process.stdout.write(
      `fuzz: ${total} requests over ${ops.length} operations, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(failures).toEqual([]);
    expect([...statuses.keys()].every((s) => s >= 400 || s < 300)).toBe(true);

    // Every process is still up and healthy, and each service still answers the gateway.
    for (const [name, proc] of p.procs) {
      expect([name, await Promise.race([proc.exited.then(() => 'exited'), Promise.resolve('running')])]).toEqual([name, 'running']);
      expect([name, (await fetch(`${p.urlOf(name)}/health`)).status]).toEqual([name, 200]);
    }
    const ready = await (await fetch(`${p.baseUrl}/health/ready`)).json();
    for (const s of SERVICES)
      expect(
        ready.checks.find((c: { name: string }) => c.name === s)?.ok ??
          ready.details?.checks?.find((c: { name: string }) => c.name === s)?.ok,
      ).toBe(true);
    expect(await snapshotRedis(redis)).toEqual(before);
  }, 900_000);
});
