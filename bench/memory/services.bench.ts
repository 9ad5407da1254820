/**
 * RSS of every service, idle (issue 17: ≤ 120 MB each): the six services from `dist/` on a fresh Redis, no
 * traffic. Printed 2 s after they are ready (start-up) and `idleSeconds` later (settled: V8 shrinks the
 * start-up heap some 30-45 s after a process goes quiet; worker threads end after 60 s idle). Providers point at a closed port, so no model is
 * loaded; the gateway and ai-router under load are measured by bench/chat/chat.bench.ts.
 *
 *   pnpm build && node dist/bench/memory/services.bench.js [idleSeconds=80]
 */
import { join } from 'node:path';
import { freePort, spawnService, startRedisServer, stopAllProcesses, type ServiceProcess } from '@nitro/testing';
import { rssMb } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const idleSeconds = Number(process.argv[2] ?? 80);
const SERVICES = ['ai-router', 'agents', 'media', 'search', 'voice', 'gateway'] as const;

async function main() {
  const redis = await startRedisServer();
  const closed = `http://127.0.0.1:${await freePort()}`;
  const env = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    AI_PROVIDERS: 'ollama',
    OLLAMA_HOST: closed,
    S3_ENDPOINT: closed,
    JWT_SECRET: 'bench-only-secret-bench-only-secret-0123456789',
  };
  const procs: [string, ServiceProcess][] = [];
  for (const app of SERVICES) {
    const port = await freePort();
    const portVar: Record<string, string> = app === 'gateway' ? { PORT: String(port), HOST: '127.0.0.1' } : { HTTP_PORT: String(port) };
    const proc = await spawnService({
      name: `bench-${app}`,
      script: join(ROOT, `dist/apps/${app}/src/main.js`),
      env: { ...env, ...portVar },
      readyUrl: `http://127.0.0.1:${port}/health`,
      timeoutMs: 60_000,
    });
    procs.push([app, proc]);
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const started = procs.map(([, p]) => rssMb(p.pid));
  await new Promise((r) => setTimeout(r, Math.max(0, idleSeconds - 2) * 1_000));
  const idle = procs.map(([, p]) => rssMb(p.pid));
  for (const [, p] of procs.reverse()) await p.stop();
  await redis.stop();
  console.log(`\nRSS of every service with no traffic (MB); target ≤ 120 idle\n`);
  console.log(`| service | 2 s after start | idle (${idleSeconds} s) |`);
  console.log('|---|---|---|');
  procs.reverse().forEach(([app], i) => console.log(`| ${app} | ${started[i].toFixed(0)} | **${idle[i].toFixed(0)}** |`));
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses());
