/**
 * Search latency through the gateway (issue 6): POST /search with summarize off, against local
 * provider servers that answer after a fixed 50 ms, at concurrency 32.
 *   uncached: every request a new query -> gateway -> search -> cache miss -> provider (50 ms) -> cache write
 *   cached:   one query, already in Redis -> gateway -> search -> cache hit
 *
 *   pnpm build && node dist/bench/search/search.bench.js [seconds=10] [connections=32] [rounds=3]
 *
 * Each measurement runs `rounds` times and the round with the median p50 is reported: the machine
 * is shared, and the load average (printed) moves the numbers more than anything measured here.
 * Load comes from wrk (C, little CPU) so the two cores go to the services. Needs Debian's wrk and redis-server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { fakeProviderEnv, startFakeProviders } from '../../apps/search/test/support/fake-providers';
import { parse, rssMb, type WrkResult } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 3);
const PROVIDER_LATENCY_MS = 50;

/** wrk with a Lua script; `unique` makes every request's query different (a cache miss each time). */
function load(url: string, body: Record<string, unknown>, unique: boolean, conns = connections): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-search-'));
  const script = join(dir, 'search.lua');
  const json = JSON.stringify(body);
  const [head, tail] = json.split('__Q__');
  writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      'wrk.headers["Content-Type"] = "application/json"',
      unique
        ? `local n = 0\nlocal seed = ${Date.now() % 1_000_000}\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, ${JSON.stringify(head)} .. "bench uncached " .. seed .. " " .. n .. ${JSON.stringify(tail)})\nend`
        : `wrk.body = ${JSON.stringify(json.replace('__Q__', 'bench cached query'))}`,
    ].join('\n'),
  );
  const args = ['-t', '1', '-c', String(conns), '-d', `${seconds}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) =>
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(parse(stdout)))),
  );
}

/** Runs one measurement `rounds` times; the round with the median p50. */
async function median(run: () => Promise<WrkResult>): Promise<WrkResult> {
  const results: WrkResult[] = [];
  for (let i = 0; i < rounds; i++) results.push(await run());
  return results.sort((a, b) => a.p50ms - b.p50ms)[Math.floor(results.length / 2)];
}

async function main() {
  const loadBefore = loadavg()[0];
  const redis = await startRedisServer();
  const fake = await startFakeProviders({ latencyMs: PROVIDER_LATENCY_MS });
  const common = { REDIS_URL: redis.url, LOG_LEVEL: 'warn', AUTH_DISABLED: 'true', RATE_LIMIT_ENABLED: 'false' };
  const searchPort = await freePort();
  const gwPort = await freePort();
  const search = await spawnService({
    name: 'bench-search',
    script: join(ROOT, 'dist/apps/search/src/main.js'),
    env: {
      ...common,
      ...fakeProviderEnv(fake),
      SEARCH_PROVIDERS: 'duckduckgo',
      PROVIDER_MIN_INTERVAL_MS: '0',
      HTTP_PORT: String(searchPort),
    },
    readyUrl: `http://127.0.0.1:${searchPort}/health`,
  });
  const gw = await spawnService({
    name: 'bench-gateway',
    script: join(ROOT, 'dist/apps/gateway/src/main.js'),
    env: { ...common, PORT: String(gwPort), HOST: '127.0.0.1' },
    readyUrl: `http://127.0.0.1:${gwPort}/health`,
  });
  const url = `http://127.0.0.1:${gwPort}/search`;
  const body = { query: '__Q__', user_id: 'bench', options: { summarize: false } };

  // Warm up both paths (JIT, connections) and put the cached query in Redis.
  await load(url, body, true);
  const warm = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, query: 'bench cached query' }),
  });
  if (warm.status !== 200) throw new Error(`warm-up search answered ${warm.status}: ${await warm.text()}`);

  const provider = await median(() => load(`${fake.url}/html/`, {}, false));
  const uncached1 = await median(() => load(url, body, true, 1));
  const cached1 = await median(() => load(url, body, false, 1));
  const providerCallsBefore = fake.count('duckduckgo');
  const uncached = await median(() => load(url, body, true));
  const providerCalls = fake.count('duckduckgo') - providerCallsBefore;
  const cached = await median(() => load(url, body, false));
  const loaded = { gateway: rssMb(gw.pid), search: rssMb(search.pid) };

  const f = (n: number) => n.toFixed(2);
  const row = (name: string, r: WrkResult) =>
    `| ${name} | ${f(r.p50ms)} | ${f(r.p99ms)} | ${r.rps.toFixed(0)} | ${r.requests} | ${r.errors} |`;
  console.log(
    `\nsearch latency benchmark: providers answer after ${PROVIDER_LATENCY_MS} ms, wrk -t1 -c${connections}, ${seconds}s per run, median of ${rounds} rounds`,
  );
  console.log(`load average (1 min) before: ${loadBefore.toFixed(1)}, after: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
  console.log('| measurement | p50 ms | p99 ms | req/s | requests | errors |');
  console.log('|---|---|---|---|---|---|');
  console.log(row(`provider alone (fake DuckDuckGo, ${PROVIDER_LATENCY_MS} ms)`, provider));
  console.log(row('c=1 POST /search uncached', uncached1));
  console.log(row('c=1 POST /search cached', cached1));
  console.log(row(`**c=${connections} POST /search uncached** (new query each request)`, uncached));
  console.log(row(`**c=${connections} POST /search cached** (same query, Redis hit)`, cached));
  console.log(
    `\nprovider requests during the c=${connections} uncached runs: ${providerCalls} (one per search, ${rounds} rounds); RSS MB after load: gateway ${f(loaded.gateway)}, search ${f(loaded.search)}`,
  );

  await gw.stop();
  await search.stop();
  await fake.close();
  await redis.stop();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses());
