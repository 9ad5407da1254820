/**
 * Where the c=1 time goes: CPU per request at c=1 and at c=64, side by side in one run, for
 *   - a plain node:http server answering the same JSON (the floor of any Node process on this machine), and
 *   - gateway and ai-router on POST /v1/chat/completions and POST /chat (the fake Ollama stack of chat.bench).
 * Per request: user and system CPU in µs and voluntary context switches (sleeps) of each process, from
 * /proc/<pid>/stat and /proc/<pid>/status. At c=1 the processes run one after another, so the added latency
 * is roughly the sum of their CPU; the ratio c=1 / c=64 is what waking up cold costs on this machine.
 *
 *   pnpm build && node dist/bench/chat/floor.bench.js [seconds=5] [rounds=2]
 *
 * Needs Debian's wrk and redis-server. Prints medians of `rounds` alternating rounds and the load average.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { freePort, stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { wrk } from '../support/wrk';

const [seconds, rounds] = [5, 2].map((d, i) => Number(process.argv[2 + i] ?? d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU (µs, clock ticks of 10 ms) and voluntary context switches of a process so far. */
function usage(pid: number): { user: number; sys: number; sleeps: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    user: Number(f[11]) * 10_000,
    sys: Number(f[12]) * 10_000,
    sleeps: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1]),
  };
}

/** The floor: a node:http server in its own process that parses the JSON body and answers a small JSON. */
function plainServer(port: number): void {
  const answer = JSON.stringify({ model: 'x', message: { role: 'assistant', content: 'Hello from the benchmark.' }, done: true });
  createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      JSON.parse(raw || '{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  }).listen(port, '127.0.0.1', () => process.send?.('ready'));
}

async function startPlain(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(__filename, ['--plain', String(port)], { stdio: 'ignore' as never });
  await new Promise((resolve) => child.once('message', resolve));
  return { url: `http://127.0.0.1:${port}/`, child };
}

type Row = Record<string, number[]>;

async function measure(rows: Row, label: string, url: string, body: unknown, pids: Record<string, number>): Promise<void> {
  for (const c of [1, 64]) {
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, usage(pid)]));
    const w = await wrk(url, { body, connections: c, seconds });
    const n = Math.max(1, w.requests);
    for (const [k, pid] of Object.entries(pids)) {
      const a = before[k];
      const b = usage(pid);
      const key = `${label} | ${k} | c=${c}`;
      (rows[`${key} | user µs`] ??= []).push((b.user - a.user) / n);
      (rows[`${key} | sys µs`] ??= []).push((b.sys - a.sys) / n);
      (rows[`${key} | sleeps`] ??= []).push((b.sleeps - a.sleeps) / n);
    }
    (rows[`${label} | client | c=${c} | p50 ms`] ??= []).push(w.p50ms);
  }
}

async function main() {
  const plain = await startPlain();
  const stack = await startFakeOllamaStack({ latencyMs: 0 });
  const v1 = { url: `${stack.gatewayUrl}/v1/chat/completions`, body: { model: 'default', messages: [{ role: 'user', content: 'hi' }] } };
  const chat = { url: `${stack.gatewayUrl}/chat`, body: { message: 'hi', user_id: 'bench', session_id: 'b1' } };
  const services = { gateway: stack.gateway.pid, 'ai-router': stack.aiRouter.pid };
  // Warm-up: the JIT first (see chat.bench).
  for (const r of [v1, chat]) await wrk(r.url, { body: r.body, connections: 16, seconds: 5 });
  await wrk(plain.url, { body: { a: 1 }, connections: 16, seconds: 2 });
  const rows: Row = {};
  const loads = [loadavg()[0]];
  for (let i = 0; i < rounds; i++) {
    await measure(
      rows,
      'plain node:http',
      plain.url,
      { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
      { server: plain.child.pid! },
    );
    await measure(rows, 'POST /v1/chat/completions', v1.url, v1.body, services);
    await measure(rows, 'POST /chat', chat.url, chat.body, services);
    loads.push(loadavg()[0]);
  }
  await stack.stop();
  plain.child.kill();

  console.log(
    `\nCPU per request at c=1 and c=64, medians of ${rounds} rounds of ${seconds} s; load average ${loads.map((l) => l.toFixed(2)).join(', ')}\n`,
  );
  console.log('| what | process | c=1 user / sys µs | c=1 sleeps | c=64 user / sys µs | c=64 sleeps | c=1 / c=64 CPU |');
  console.log('|---|---|---|---|---|---|---|');
  const seen = new Set<string>();
  for (const key of Object.keys(rows)) {
    const [label, proc] = key.split(' | ');
    if (proc === 'client' || seen.has(`${label}|${proc}`)) continue;
    seen.add(`${label}|${proc}`);
    const m = (c: number, what: string) => median(rows[`${label} | ${proc} | c=${c} | ${what}`]);
    const cpu = (c: number) => m(c, 'user µs') + m(c, 'sys µs');
    console.log(
      `| ${label} | ${proc} | ${m(1, 'user µs').toFixed(0)} / ${m(1, 'sys µs').toFixed(0)} | ${m(1, 'sleeps').toFixed(2)} | ` +
        `${m(64, 'user µs').toFixed(0)} / ${m(64, 'sys µs').toFixed(0)} | ${m(64, 'sleeps').toFixed(2)} | ${(cpu(1) / cpu(64)).toFixed(2)} |`,
    );
  }
  console.log('\n| what | client p50 c=1 ms | client p50 c=64 ms |\n|---|---|---|');
  for (const label of ['plain node:http', 'POST /v1/chat/completions', 'POST /chat'])
    console.log(
      `| ${label} | ${median(rows[`${label} | client | c=1 | p50 ms`]).toFixed(3)} | ${median(rows[`${label} | client | c=64 | p50 ms`]).toFixed(2)} |`,
    );
}

if (process.argv[2] === '--plain') plainServer(Number(process.argv[3]));
else
  main()
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    })
    .finally(() => stopAllProcesses?.());
