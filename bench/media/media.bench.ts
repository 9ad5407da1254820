/**
 * Image jobs benchmark (issue 4). Real processes: redis-server, s3rver (the dev launcher), one media
 * service (procedural provider, 256x256, WORKER_CONCURRENCY=4) and the gateway.
 *
 *   pnpm build && node dist/bench/media/media.bench.js [jobs=200] [submitters=64] [concurrency=4] [seconds=5]
 *
 * 1. enqueue-to-done: `concurrency` clients each POST /generate-image?wait=true in a loop, so the
 *    queue stays about as deep as the workers are wide; reports p50/p99 per job as the client saw it
 *    and as BullMQ recorded it (finishedOn - timestamp), and jobs/s.
 * 2. 202 latency: wrk (Debian, C) POSTs from `submitters` connections for `seconds`, first with the
 *    workers paused (the gateway's own cost), then the time to drain that deep queue (jobs/s), then
 *    again while the workers draw (2 shared cores: the gateway competes with them for CPU).
 * 3. peak RSS (VmHWM) of the media process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MEDIA_QUEUE_PREFIX, MediaQueue } from '@nitro/contracts';
import { freePort, spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { percentile, wrk, WrkResult } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const jobs = Number(process.argv[2] ?? 200);
const submitters = Number(process.argv[3] ?? 64);
const concurrency = Number(process.argv[4] ?? 4);
const seconds = Number(process.argv[5] ?? 5);
const SETTINGS = { width: 256, height: 256, count: 1 };

const hwmMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${ms(percentile(s, 50))}  p99 ${ms(percentile(s, 99))}  (n=${s.length})`;
};

async function main() {
  console.log(`load average before: ${loadavg()[0].toFixed(2)}`);
  const redis = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const [s3Port, mediaPort, gwPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const s3 = {
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_BUCKET: 'bench-gallery',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
  };
  await spawnService({
    name: 'bench-s3rver',
    script: join(ROOT, 'dist/apps/media/src/dev/s3rver.main.js'),
    env: { ...s3, S3RVER_DIR: dir },
    readyLine: /"msg":"ready"/,
  });
  const media = await spawnService({
    name: 'bench-media',
    script: join(ROOT, 'dist/apps/media/src/main.js'),
    env: {
      ...s3,
      HTTP_PORT: String(mediaPort),
      IMAGE_PROVIDERS: 'procedural',
      WORKER_CONCURRENCY: String(concurrency),
      GALLERY_SWEEP_INTERVAL_MS: '0',
    },
    readyUrl: `http://127.0.0.1:${mediaPort}/health/ready`,
  });
  await spawnService({
    name: 'bench-gateway',
    script: join(ROOT, 'dist/apps/gateway/src/main.js'),
    env: {
      ...s3,
      PORT: String(gwPort),
      HOST: '127.0.0.1',
      AUTH_DISABLED: 'true',
      RATE_LIMIT_ENABLED: 'false',
      IMAGE_MAX_WAITING_JOBS: '100000',
      IMAGE_WAIT_MS: '120000',
    },
    readyUrl: `http://127.0.0.1:${gwPort}/health`,
  });
  const base = `http://127.0.0.1:${gwPort}`;
  const queue = new Queue(MediaQueue.images, {
    connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
    prefix: MEDIA_QUEUE_PREFIX,
  });
  const post = async (wait: boolean) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/generate-image${wait ? '?wait=true' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: `bench ${Math.random()}`, user_id: 'local', settings: SETTINGS }),
    });
    const body = (await res.json()) as { job_id: string };
    if (res.status !== (wait ? 200 : 202)) throw new Error(`POST /generate-image answered ${res.status}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - t0, jobId: body.job_id };
  };
  const serverSide = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => queue.getJob(id)))).map((j) => j!.finishedOn! - j!.timestamp);

  // Warm-up: JIT, sharp's thread pool, connections.
  await Promise.all(Array.from({ length: concurrency * 2 }, () => post(true)));

  // 1. enqueue-to-done with the workers kept busy but the queue shallow.
  const closed: { ms: number; jobId: string }[] = [];
  let started = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started++ < jobs) closed.push(await post(true));
    }),
  );
  const closedSeconds = (performance.now() - t1) / 1000;
  console.log(`\nenqueue-to-done, ${concurrency} clients waiting for each job (procedural 256x256, WORKER_CONCURRENCY=${concurrency}):`);
  console.log(`  client (POST ?wait=true -> 200):  ${stats(closed.map((c) => c.ms))}`);
  console.log(`  BullMQ (finishedOn - timestamp):  ${stats(await serverSide(closed.map((c) => c.jobId)))}`);
  console.log(`  throughput: ${(closed.length / closedSeconds).toFixed(1)} jobs/s`);

  // 2. 202 latency under `submitters` connections, load from wrk (C: the cores stay with the
  // services). First with the workers paused (the gateway's own cost; jobs pile up), then the time
  // to drain that deep queue (jobs/s), then again while the workers draw.
  const body = { prompt: 'bench burst', user_id: 'local', settings: SETTINGS };
  const pending = async () => Object.values(await queue.getJobCounts('waiting', 'active', 'delayed')).reduce((a, b) => a + b, 0);
  const drain = async () => {
    const t = performance.now();
    while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 50));
    return (performance.now() - t) / 1000;
  };
  /** Answers by status so far, from the gateway's own Prometheus counter (wrk only counts non-2xx). */
  const statuses = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^nitro_http_requests_total\{([^}]*)\} (\d+)/gm)) {
      if (m[1].includes('route="/generate-image"')) out[/status="(\d+)"/.exec(m[1])?.[1] ?? '?'] = Number(m[2]);
    }
    return out;
  };
  let before = await statuses();
  const report = async (label: string, r: WrkResult) => {
    const now = await statuses();
    const diff = Object.entries(now)
      .map(([k, v]) => `${k}: ${v - (before[k] ?? 0)}`)
      .filter((x) => !x.endsWith(': 0'));
    before = now;
    console.log(
      `  ${label} p50 ${ms(r.p50ms)}  p99 ${ms(r.p99ms)}  ${r.rps.toFixed(0)} req/s  wrk errors ${r.errors}  answers { ${diff.join(', ')} }`,
    );
  };
  console.log(`\nPOST /generate-image from ${submitters} connections for ${seconds} s (wrk):`);
  await queue.pause();
  await wrk(`${base}/generate-image`, { body, connections: submitters, seconds: 1 }); // warm-up
  before = await statuses();
  const idle = await wrk(`${base}/generate-image`, { body, connections: submitters, seconds });
  const queued = await pending();
  await report('202, workers paused: ', idle);
  await queue.resume();
  const drained = await drain();
  const busy = await wrk(`${base}/generate-image`, { body, connections: submitters, seconds });
  await report('202, workers drawing:', busy);
  console.log(`  ${queued} queued jobs drained in ${drained.toFixed(1)} s: ${(queued / drained).toFixed(1)} jobs/s`);

  console.log(`\nmedia service peak RSS (VmHWM): ${hwmMb(media.pid).toFixed(0)} MB`);
  console.log(`load average after: ${loadavg()[0].toFixed(2)}`);
  await queue.close();
  (queue.opts.connection as Redis).disconnect();
  await stopAllProcesses();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch(async (err) => {
  console.error(err);
  await stopAllProcesses();
  process.exit(1);
});
