/**
 * What authentication and rate limiting cost per request, and what a sign-in costs (issue 3).
 *
 *   pnpm build && node dist/bench/auth/auth.bench.js [seconds=5] [connections=32]
 *
 * One gateway with auth and rate limits on (budgets too large to refuse anything), one with rate
 * limits off, a private Redis each run. Load from wrk (C, light on CPU). Prints a Markdown table.
 */
import { join } from 'node:path';
import { freePort, spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { percentile, wrk } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);
const BIG = '100000000';

async function startGateway(name: string, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  await spawnService({
    name,
    script: join(ROOT, 'dist/apps/gateway/src/main.js'),
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    readyUrl: `http://127.0.0.1:${port}/health`,
    timeoutMs: 60_000,
  });
  return `http://127.0.0.1:${port}`;
}

async function json(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Sequential sign-ins (argon2id in the worker), and meanwhile how long /health takes: the event loop must stay free. */
async function signIns(base: string, n: number) {
  const login: number[] = [];
  const health: number[] = [];
  let busy = true;
  const probe = (async () => {
    while (busy) {
      const t = performance.now();
      await (await fetch(`${base}/health`)).arrayBuffer();
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await json(`${base}/auth/login`, { username: 'bench', password: 'bench password 123' });
    login.push(performance.now() - t);
  }
  busy = false;
  await probe;
  login.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  return {
    login: { p50: percentile(login, 50), p99: percentile(login, 99) },
    health: { p50: percentile(health, 50), p99: percentile(health, 99), n: health.length },
  };
}

async function main() {
  const redis = await startRedisServer();
  const common = { REDIS_URL: redis.url, LOG_LEVEL: 'warn', JWT_SECRET: 'b'.repeat(48), ACCESS_TOKEN_TTL_S: '3600' };
  const limits = { RATE_LIMIT_DEFAULT: BIG, RATE_LIMIT_AUTH: BIG, LOGIN_MAX_FAILURES_PER_IP: BIG };
  const on = await startGateway('bench-auth-gateway', { ...common, ...limits });
  const off = await startGateway('bench-auth-gateway-nolimit', { ...common, RATE_LIMIT_ENABLED: 'false' });
  await json(`${on}/auth/register`, { username: 'bench', password: 'bench password 123' });
  const tokens = (await json(`${on}/auth/login`, { username: 'bench', password: 'bench password 123' })) as {
    access_token: string;
    refresh_token: string;
  };
  const key = (
    (await json(`${on}/auth/api-keys`, { name: 'bench' }, { authorization: `Bearer ${tokens.access_token}` })) as { key: string }
  ).key;

  const rows: [string, string, Record<string, string>][] = [
    ['GET /health (public: no credential read, no limit)', `${on}/health`, {}],
    ['GET /auth/me, JWT, rate limit off', `${off}/auth/me`, { Authorization: `Bearer ${tokens.access_token}` }],
    ['GET /auth/me, JWT, rate limit on', `${on}/auth/me`, { Authorization: `Bearer ${tokens.access_token}` }],
    ['GET /auth/me, API key, rate limit on', `${on}/auth/me`, { Authorization: `Bearer ${key}` }],
    ['GET /auth/me, no credential (401)', `${on}/auth/me`, {}],
  ];
  const lines = ['| request | req/s | p50 ms | p99 ms | non-2xx |', '|---|---:|---:|---:|---:|'];
  for (const [label, url, headers] of rows) {
    const r = await wrk(url, { connections, seconds, headers });
    lines.push(`| ${label} | ${r.rps.toFixed(0)} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.errors} |`);
  }
  const s = await signIns(on, 10);
  lines.push(
    '',
    `Sign-in (argon2id m=19456 KiB, t=2, p=1 in a worker thread), 10 sequential: p50 ${s.login.p50.toFixed(0)} ms, p99 ${s.login.p99.toFixed(0)} ms.`,
  );
  lines.push(`Meanwhile GET /health (${s.health.n} probes): p50 ${s.health.p50.toFixed(1)} ms, p99 ${s.health.p99.toFixed(1)} ms.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  await stopAllProcesses();
  await redis.stop();
}

main().catch(async (err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  await stopAllProcesses();
  process.exit(1);
});
