/**
 * Nest's built-in Transport.REDIS (pub/sub) vs our Redis Streams transport, same echo handler,
 * one replica in a child process, one client in this process, a private redis-server.
 *
 *   npx swc libs bench/transport -d dist --config-file .swcrc
 *   node dist/bench/transport/transport.bench.js [seconds=5] [concurrency=64] [sequential=2000] [rounds=3]
 *
 * Prints p50/p99 of sequential request/reply latency and requests/s at a fixed concurrency.
 * The two transports run alternately for `rounds` rounds and the median round is reported, so a
 * burst of load from something else on the machine does not decide the comparison.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { RedisStreamsClient, RedisStreamsServer } from '@nitro/transport';
import { firstValueFrom } from 'rxjs';

type Kind = 'nest-redis' | 'redis-streams';
const SERVICE = 'bench-echo';

@Controller()
class EchoController {
  @MessagePattern('echo')
  echo(@Payload() data: unknown) {
    return data;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** Child-process role: serve `echo` on the given transport until killed. */
async function serve(kind: Kind, redisUrl: string): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  const app =
    kind === 'nest-redis'
      ? await NestFactory.createMicroservice(EchoModule, {
          transport: Transport.REDIS,
          options: { host: hostname, port: Number(port) },
          logger: ['error'],
        })
      : await NestFactory.createMicroservice(EchoModule, {
          strategy: new RedisStreamsServer({ redisUrl, service: SERVICE }),
          logger: ['error'],
        });
  await app.listen();
  process.once('SIGINT', () => process.exit(0)); // lets `node --cpu-prof` write its profile
  process.stdout.write('READY\n');
}

function makeClient(kind: Kind, redisUrl: string): ClientProxy {
  const { hostname, port } = new URL(redisUrl);
  return kind === 'nest-redis'
    ? ClientProxyFactory.create({ transport: Transport.REDIS, options: { host: hostname, port: Number(port) } })
    : new RedisStreamsClient({ redisUrl, service: SERVICE, timeoutMs: 10_000 });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const payload = (n: number) => ({ message: 'hello from the benchmark', user_id: 'u-1', n });

async function measure(kind: Kind, redisUrl: string, seconds: number, concurrency: number, sequential: number) {
  const replica = await spawnService({
    name: `bench-${kind}`,
    script: __filename,
    env: { BENCH_ROLE: kind, BENCH_REDIS_URL: redisUrl },
    readyLine: /^READY$/m,
  });
  const client = makeClient(kind, redisUrl);
  await client.connect();
  const call = (n: number) => firstValueFrom(client.send('echo', payload(n)));
  try {
    for (let i = 0; i < 500; i++) await call(i); // warm-up (JIT, connections)
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const start = performance.now();
      await call(i);
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);

    let done = 0;
    const until = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        await call(done);
        done++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const rps = done / ((performance.now() - started) / 1000);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps };
  } finally {
    await client.close();
    await replica.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [seconds = 5, concurrency = 64, sequential = 2000, rounds = 3] = process.argv.slice(2).map(Number);
  const redis = await startRedisServer();
  try {
    const runs: Record<Kind, { p50: number; p99: number; rps: number }[]> = { 'nest-redis': [], 'redis-streams': [] };
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['nest-redis', 'redis-streams'] as const)
        runs[kind].push(await measure(kind, redis.url, seconds, concurrency, sequential));
    }
    const rows = (['nest-redis', 'redis-streams'] as const).map((kind) => ({
      kind,
      p50: median(runs[kind].map((r) => r.p50)),
      p99: median(runs[kind].map((r) => r.p99)),
      rps: median(runs[kind].map((r) => r.rps)),
    }));
    const fmt = (x: number) => x.toFixed(3).padStart(8);
    console.log(
      `\nEcho round trip, one replica; ${sequential} sequential requests, then concurrency ${concurrency} for ${seconds} s; median of ${rounds} rounds`,
    );
    console.log('| transport      | p50 ms   | p99 ms   | req/s    |');
    console.log('|----------------|----------|----------|----------|');
    for (const r of rows) console.log(`| ${r.kind.padEnd(14)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.rps.toFixed(0).padStart(8)} |`);
    const [base, ours] = rows;
    console.log(
      `\nours / built-in: latency p50 ${(ours.p50 / base.p50).toFixed(2)}x, p99 ${(ours.p99 / base.p99).toFixed(2)}x; throughput ${(ours.rps / base.rps).toFixed(2)}x`,
    );
  } finally {
    await stopAllProcesses();
    await redis.stop();
  }
}

const role = process.env.BENCH_ROLE as Kind | undefined;
(role ? serve(role, process.env.BENCH_REDIS_URL as string) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
