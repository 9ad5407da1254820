/**
 * A/B of the chat hot path in one run (issue 17): two stacks side by side, one built from an earlier
 * checkout (A, e.g. `git worktree add /tmp/nitro-base <commit> && (cd /tmp/nitro-base && pnpm i && pnpm build)`)
 * and this one (B), each with its own Redis, fake Ollama (answers at once), gateway and ai-router (auth and rate
 * limits as in the overhead benches). Measurements alternate A, B, A, B … so machine noise hits both alike.
 * Prints medians: c=1 latency of POST /chat and POST /v1/chat/completions, the direct call, req/s at c=64, and CPU ms
 * per request of each process under that load (the steadiest number on a shared machine).
 *
 *   pnpm build && node dist/bench/chat/ab.bench.js <baseline-root> [rounds=3] [requests=200] [seconds=5] [connections=64]
 */
import { stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack, type FakeOllamaStack } from '../support/fake-ollama-stack';
import { series } from '../support/request-timing';
import { cpuMs, rssMb, wrk } from '../support/wrk';

const [baseRoot, rounds = 3, n = 200, seconds = 5, connections = 64] = [process.argv[2], ...process.argv.slice(3).map(Number)] as [
  string,
  number?,
  number?,
  number?,
  number?,
];

const messages = [{ role: 'user', content: 'hi' }];
const chatBody = { message: 'hi', user_id: 'bench', session_id: 'ab' };
const v1Body = { model: 'default', messages };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Row = Record<string, number[]>;

async function measure(stack: FakeOllamaStack, row: Row): Promise<void> {
  const add = (k: string, v: number) => (row[k] ??= []).push(v);
  const direct = await series(n, `${stack.ollamaUrl}/api/chat`, { model: 'phi3', stream: false, messages }, 'total');
  const chat = await series(n, `${stack.gatewayUrl}/chat`, chatBody, 'total');
  const v1 = await series(n, `${stack.gatewayUrl}/v1/chat/completions`, v1Body, 'total');
  add('direct p50', direct.p50);
  add('/chat c=1 p50', chat.p50);
  add('/chat added p50', chat.p50 - direct.p50);
  add('/v1 c=1 p50', v1.p50);
  add('/v1 added p50', v1.p50 - direct.p50);
  add('/v1 added p99', v1.p99 - direct.p99);
  for (const [name, path, body] of [
    ['/chat', '/chat', chatBody],
    ['/v1', '/v1/chat/completions', v1Body],
  ] as const) {
    const before = { gw: cpuMs(stack.gateway.pid), ai: cpuMs(stack.aiRouter.pid) };
    const r = await wrk(`${stack.gatewayUrl}${path}`, { body, connections, seconds });
    add(`${name} req/s c=${connections}`, r.rps);
    add(`${name} errors`, r.errors);
    add(`${name} gateway CPU ms/req`, (cpuMs(stack.gateway.pid) - before.gw) / r.requests);
    add(`${name} ai-router CPU ms/req`, (cpuMs(stack.aiRouter.pid) - before.ai) / r.requests);
  }
  add('gateway RSS MB', rssMb(stack.gateway.pid));
  add('ai-router RSS MB', rssMb(stack.aiRouter.pid));
}

async function main() {
  if (!baseRoot) throw new Error('usage: ab.bench.js <baseline-root> [rounds] [requests] [seconds] [connections]');
  const a = await startFakeOllamaStack({ root: baseRoot });
  const b = await startFakeOllamaStack({});
  await new Promise((r) => setTimeout(r, 1000));
  const rows: [Row, Row] = [{}, {}];
  for (let i = 0; i < rounds; i++) {
    await measure(a, rows[0]);
    await measure(b, rows[1]);
  }
  await a.stop();
  await b.stop();
  const { loadavg } = await import('node:os');
  console.log(
    `\nA = ${baseRoot}, B = this checkout; medians of ${rounds} alternating rounds; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  console.log('| measurement | A | B | B/A |');
  console.log('|---|---|---|---|');
  for (const k of Object.keys(rows[1])) {
    const [ma, mb] = [median(rows[0][k] ?? [NaN]), median(rows[1][k])];
    console.log(`| ${k} | ${ma.toFixed(3)} | ${mb.toFixed(3)} | ${(mb / ma).toFixed(2)} |`);
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());
