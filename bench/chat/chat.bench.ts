/**
 * The chat hot path against issue 17's targets, in one run: a fake Ollama that answers at once (called
 * directly for the baseline), and the same request through gateway -> Redis Streams -> ai-router -> Ollama
 * adapter on POST /chat (memory on) and POST /v1/chat/completions (stateless), non-stream and stream.
 * Every measurement is repeated `runs` times and the median printed, with the load average.
 *
 *   pnpm build && node dist/bench/chat/chat.bench.js [runs=3] [seconds=10] [connections=64] [requests=300] [warmupSeconds=5] [idleSeconds=60]
 *
 * RSS "idle" is read `idleSeconds` after start with no traffic (V8 has shrunk its start-up heap by then); the
 * figure 2 s after start is printed beside it. "After the load" is read when the last load run ends.
 *
 * Load comes from wrk (C, little CPU) so the two cores go to the services. Needs Debian's wrk and redis-server.
 * Per-hop timings of the same path: bench/chat/hops.bench.ts; CPU profiles: bench/chat/profile.bench.ts.
 */
import { loadavg } from 'node:os';
import { stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { series } from '../support/request-timing';
import { cpuMs, rssMb, wrk } from '../support/wrk';

const [runs, seconds, connections, n, warmupSeconds, idleSeconds] = [3, 10, 64, 300, 5, 60].map((d, i) => Number(process.argv[2 + i] ?? d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const stack = await startFakeOllamaStack({ latencyMs: 0 });
  const { gateway: gw, aiRouter: ai } = stack;
  await new Promise((r) => setTimeout(r, 2000));
  const started = { gateway: rssMb(gw.pid), aiRouter: rssMb(ai.pid) };
  // Idle means settled: V8 shrinks a heap left from start-up (its memory reducer) some 30-45 s after the
  // process goes quiet. 2 s after start is start-up, reported beside it.
  await new Promise((r) => setTimeout(r, Math.max(0, idleSeconds - 2) * 1000));
  const idle = { gateway: rssMb(gw.pid), aiRouter: rssMb(ai.pid) };
  const loads = [loadavg()[0]];

  const messages = [{ role: 'user', content: 'hi' }];
  const direct = `${stack.ollamaUrl}/api/chat`;
  const ollama = (stream: boolean) => ({ model: 'phi3', stream, messages });
  const chat = `${stack.gatewayUrl}/chat`;
  const chatBody = { message: 'hi', user_id: 'bench', session_id: 'b1' };
  const v1 = `${stack.gatewayUrl}/v1/chat/completions`;
  const v1Body = (stream: boolean) => ({ model: 'default', messages, stream });

  // Warm-up: V8 compiles the hot path only after thousands of requests; a production service is warm.
  // Without it the first run's c=1 latencies measure the JIT, not the path.
  for (const [url, body] of [
    [v1, v1Body(false)],
    [chat, chatBody],
    [`${chat}/stream`, chatBody],
    [v1, v1Body(true)],
  ] as const)
    await wrk(url, { body, connections: 16, seconds: warmupSeconds });

  const m: Record<string, number[]> = {};
  const add = (k: string, v: number) => (m[k] ??= []).push(v);
  for (let r = 0; r < runs; r++) {
    const d = await series(n, direct, ollama(false), 'total');
    const c = await series(n, chat, chatBody, 'total');
    const v = await series(n, v1, v1Body(false), 'total');
    add('direct p50', d.p50);
    add('/v1 added p50', v.p50 - d.p50);
    add('/v1 added p99', v.p99 - d.p99);
    add('/chat added p50', c.p50 - d.p50);
    const fd = await series(n, direct, ollama(true), 'firstToken');
    const fc = await series(n, `${chat}/stream`, chatBody, 'firstToken');
    const fv = await series(n, v1, v1Body(true), 'firstToken');
    add('/chat/stream first-token overhead p50', fc.p50 - fd.p50);
    add('/v1 stream first-token overhead p50', fv.p50 - fd.p50);
    for (const [name, url, body] of [
      ['/v1', v1, v1Body(false)],
      ['/chat', chat, chatBody],
      ['/chat/stream', `${chat}/stream`, chatBody],
    ] as const) {
      const cpu = { gw: cpuMs(gw.pid), ai: cpuMs(ai.pid) };
      const w = await wrk(url, { body, connections, seconds });
      add(`${name} req/s`, w.rps);
      add(`${name} errors`, w.errors);
      add(`${name} CPU ms/req (gateway + ai-router)`, (cpuMs(gw.pid) - cpu.gw + cpuMs(ai.pid) - cpu.ai) / Math.max(1, w.requests));
    }
    loads.push(loadavg()[0]);
  }
  const loaded = { gateway: rssMb(gw.pid), aiRouter: rssMb(ai.pid) };
  await stack.stop();

  const f = (k: string, digits = 2) => median(m[k]).toFixed(digits);
  const all = (k: string, digits = 2) => m[k].map((x) => x.toFixed(digits)).join(', ');
  console.log(
    `\nchat hot path: fake Ollama answering at once; medians of ${runs} runs (${n} sequential requests, wrk -c${connections} ${seconds}s); ` +
      `1-min load average during the runs: ${loads.map((l) => l.toFixed(2)).join(', ')}\n`,
  );
  console.log('| path | metric | target | median | runs |');
  console.log('|---|---|---|---|---|');
  const row = (path: string, metric: string, target: string, k: string, digits = 2) =>
    console.log(`| ${path} | ${metric} | ${target} | **${f(k, digits)}** | ${all(k, digits)} |`);
  row('POST /v1/chat/completions (stateless)', 'added latency vs direct, c=1, p50 ms', '≤ 0.5', '/v1 added p50');
  row('POST /v1/chat/completions (stateless)', 'added latency vs direct, c=1, p99 ms', '≤ 3', '/v1 added p99');
  row('POST /chat (memory on)', 'added latency vs direct, c=1, p50 ms', '≤ 1.0', '/chat added p50');
  row('/v1/chat/completions non-stream', `req/s at c=${connections}`, '≥ 2,500', '/v1 req/s', 0);
  row('/chat', `req/s at c=${connections}`, '≥ 2,000', '/chat req/s', 0);
  row('/chat/stream', `req/s at c=${connections}`, '', '/chat/stream req/s', 0);
  row('/chat/stream', 'first-token overhead vs direct, p50 ms', '≤ 1', '/chat/stream first-token overhead p50');
  row('/v1 stream', 'first-token overhead vs direct, p50 ms', '≤ 1', '/v1 stream first-token overhead p50');
  row('/v1', 'CPU ms per request, gateway + ai-router', '', '/v1 CPU ms/req (gateway + ai-router)', 3);
  row('/chat', 'CPU ms per request, gateway + ai-router', '', '/chat CPU ms/req (gateway + ai-router)', 3);
  console.log(
    `| gateway | RSS MB idle / after the load | ≤ 120 / ≤ 160 | **${idle.gateway.toFixed(0)} / ${loaded.gateway.toFixed(0)}** | 2 s after start: ${started.gateway.toFixed(0)} |`,
  );
  console.log(
    `| ai-router | RSS MB idle / after the load | ≤ 120 / ≤ 160 | **${idle.aiRouter.toFixed(0)} / ${loaded.aiRouter.toFixed(0)}** | 2 s after start: ${started.aiRouter.toFixed(0)} |`,
  );
  console.log(
    `\ndirect to the fake Ollama, c=1 p50: ${f('direct p50', 3)} ms; errors in load runs: /v1 ${all('/v1 errors', 0)}, /chat ${all('/chat errors', 0)}, /chat/stream ${all('/chat/stream errors', 0)}`,
  );
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());
