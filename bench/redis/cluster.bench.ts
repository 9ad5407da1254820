/**
 * Chat throughput and transport latency on one Redis vs a 3-primary Redis Cluster, in one run (issue 21,
 * docs/adr/0009-redis-cluster.md). For each topology: a fresh Redis (one redis-server, or six cluster nodes via
 * the test harness), a fake Ollama answering at once, two ai-routers and two gateways (built in dist/); then
 *   - POST /chat at c=64 through both gateways (wrk, half the connections on each): req/s, p50/p99;
 *   - transport request/reply latency p50/p99 (RedisStreamsClient → ai-router `chat.stats`, sequential, in this process).
 *
 *   pnpm build && node dist/bench/redis/cluster.bench.js [seconds=10] [connections=64] [sequential=2000]
 *
 * Needs Debian's wrk and redis-server. Numbers: docs/performance.md ("Redis Cluster versus one Redis").
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { CHAT_PATTERNS, SERVICES } from '@nitro/contracts';
import { freePort, spawnService, startRedisCluster, startRedisServer, stopAllProcesses, type ServiceProcess } from '@nitro/testing';
import { RedisStreamsClient, type RedisEndpoint } from '@nitro/transport';
import { startFakeOllama } from '../chat/fake-ollama';
import { percentile, wrk, type WrkResult } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const [SECONDS, CONNECTIONS, SEQUENTIAL] = [Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 2000)];

interface Row {
  topology: string;
  chat: WrkResult[];
  transport: { p50: number; p99: number };
}

async function stack(topology: 'single' | 'cluster', redisEnv: Record<string, string>, endpoint: RedisEndpoint): Promise<Row> {
  const ollamaPort = await freePort();
  const fake = await startFakeOllama(ollamaPort, 0);
  const env = {
    ...redisEnv,
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    RATE_LIMIT_ENABLED: 'false',
    AI_PROVIDERS: 'ollama',
    OLLAMA_HOST: `http://127.0.0.1:${ollamaPort}`,
  };
  const procs: ServiceProcess[] = [];
  const gateways: string[] = [];
  for (const name of ['ai-router-a', 'ai-router-b']) {
    const port = await freePort();
    procs.push(
      await spawnService({
        name: `bench-${topology}-${name}`,
        script: join(ROOT, 'dist/apps/ai-router/src/main.js'),
        env: { ...env, HTTP_PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/health`,
      }),
    );
  }
  for (const name of ['gateway-a', 'gateway-b']) {
    const port = await freePort();
    procs.push(
      await spawnService({
        name: `bench-${topology}-${name}`,
        script: join(ROOT, 'dist/apps/gateway/src/main.js'),
        env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
        readyUrl: `http://127.0.0.1:${port}/health`,
      }),
    );
    gateways.push(`http://127.0.0.1:${port}`);
  }
  try {
    const body = { message: 'hello', user_id: 'bench', session_id: 'bench', options: { max_tokens: 8 } };
    // Warm-up, then both gateways at once, half the connections each.
    await Promise.all(gateways.map((g) => wrk(`${g}/chat`, { body, connections: 8, seconds: 2 })));
    const chat = await Promise.all(gateways.map((g) => wrk(`${g}/chat`, { body, connections: CONNECTIONS / 2, seconds: SECONDS })));
    const client = new RedisStreamsClient({ redisUrl: endpoint, service: SERVICES.aiRouter, timeoutMs: 10_000 });
    await client.connect();
    const ms: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const t0 = performance.now();
      await firstValueFrom(client.send(CHAT_PATTERNS.stats, {}));
      ms.push(performance.now() - t0);
    }
    await client.close();
    ms.sort((a, b) => a - b);
    return { topology, chat, transport: { p50: percentile(ms, 50), p99: percentile(ms, 99) } };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    fake.close();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const single = await startRedisServer();
  try {
    rows.push(await stack('single', { REDIS_URL: single.url }, single.url));
  } finally {
    await single.stop();
  }
  const cluster = await startRedisCluster();
  try {
    const nodes = cluster.seeds.split(',').map((s) => ({ host: s.split(':')[0], port: Number(s.split(':')[1]) }));
    rows.push(await stack('cluster', { REDIS_CLUSTER_NODES: cluster.seeds }, { kind: 'cluster', nodes }));
  } finally {
    await cluster.stop();
  }
  console.log(
    `\nPOST /chat at c=${CONNECTIONS} through two gateways and two ai-routers (${SECONDS} s), transport chat.stats x${SEQUENTIAL}`,
  );
  console.log('| Redis | chat req/s | chat p50 ms | chat p99 ms (worse gateway) | errors | transport p50 ms | transport p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const rps = r.chat.reduce((s, x) => s + x.rps, 0);
    const p50 = Math.max(...r.chat.map((x) => x.p50ms));
    const p99 = Math.max(...r.chat.map((x) => x.p99ms));
    const errors = r.chat.reduce((s, x) => s + x.errors, 0);
    console.log(
      `| ${r.topology} | ${rps.toFixed(0)} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${errors} | ${r.transport.p50.toFixed(2)} | ${r.transport.p99.toFixed(2)} |`,
    );
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses());
