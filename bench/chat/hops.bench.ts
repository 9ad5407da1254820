/**
 * Where the time of one chat request goes, hop by hop (issue 17): the stack runs with SERVER_TIMING=all,
 * sequential requests (c=1) to POST /chat and POST /v1/chat/completions, and the medians of every
 * `Server-Timing` entry are printed next to the client-side latency and a direct call to the fake Ollama,
 * with the Redis commands each request costs (INFO commandstats before and after, divided by the count).
 *
 *   pnpm build && node dist/bench/chat/hops.bench.js [requests=300] [root]
 *
 * `root`: run another checkout's build (an earlier commit has no Server-Timing: only the client column and the
 * Redis command counts are printed for it).
 */
import { Agent, request } from 'node:http';
import { Redis } from 'ioredis';
import { stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { percentile } from '../support/wrk';

const n = Number(process.argv[2] ?? 300);
const root = process.argv[3];
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One POST: client-side ms and the parsed Server-Timing entries (name -> ms). */
function post(url: string, body: unknown): Promise<{ ms: number; hops: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const start = process.hrtime.bigint();
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}`));
          const hops: Record<string, number> = {};
          for (const part of String(res.headers['server-timing'] ?? '').split(',')) {
            const [name, ...params] = part.trim().split(';');
            const dur = params.find((p) => p.startsWith('dur='));
            if (name && dur) hops[name] = (hops[name] ?? 0) + Number(dur.slice(4));
          }
          resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, hops });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function medians(url: string, body: unknown): Promise<Record<string, number>> {
  for (let i = 0; i < 30; i++) await post(url, body);
  const series: Record<string, number[]> = { client: [] };
  for (let i = 0; i < n; i++) {
    const r = await post(url, body);
    series.client.push(r.ms);
    for (const [k, v] of Object.entries(r.hops)) (series[k] ??= []).push(v);
  }
  return Object.fromEntries(
    Object.entries(series).map(([k, xs]) => [
      k,
      percentile(
        xs.sort((a, b) => a - b),
        50,
      ),
    ]),
  );
}

/** Calls per command in Redis since the last reset (INFO commandstats). */
async function commandStats(redis: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

/** Redis commands per request of `url` (n requests after a warm-up), e.g. `xadd 2.0, evalsha 1.0`; idle traffic (heartbeats) included. */
async function commandsPerRequest(redis: Redis, url: string, body: unknown, count = 100): Promise<string> {
  for (let i = 0; i < 10; i++) await post(url, body);
  await redis.config('RESETSTAT');
  for (let i = 0; i < count; i++) await post(url, body);
  const stats = await commandStats(redis);
  delete stats.info;
  delete stats.config;
  const total = Object.values(stats).reduce((a, b) => a + b, 0) / count;
  const each = Object.entries(stats)
    .filter(([, v]) => v / count >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / count).toFixed(1)}`)
    .join(', ');
  return `${total.toFixed(1)} (${each})`;
}

async function main() {
  const stack = await startFakeOllamaStack({ latencyMs: 0, env: { SERVER_TIMING: 'all' }, ...(root ? { root } : {}) });
  const messages = [{ role: 'user', content: 'hi' }];
  const chatBody = { message: 'hi', user_id: 'bench', session_id: 'hops' };
  const v1Body = { model: 'default', messages };
  const direct = await medians(`${stack.ollamaUrl}/api/chat`, { model: 'phi3', stream: false, messages });
  const chat = await medians(`${stack.gatewayUrl}/chat`, chatBody);
  const v1 = await medians(`${stack.gatewayUrl}/v1/chat/completions`, v1Body);
  const redis = new Redis(stack.redisUrl);
  const commands = {
    chat: await commandsPerRequest(redis, `${stack.gatewayUrl}/chat`, chatBody),
    v1: await commandsPerRequest(redis, `${stack.gatewayUrl}/v1/chat/completions`, v1Body),
    stream: await commandsPerRequest(redis, `${stack.gatewayUrl}/chat/stream`, chatBody),
  };
  redis.disconnect();
  await stack.stop();
  const names = [...new Set([...Object.keys(chat), ...Object.keys(v1)])];
  console.log(`\nmedians of ${n} sequential requests (ms); direct call to the fake Ollama: ${direct.client.toFixed(3)} ms\n`);
  console.log('| hop | POST /chat | POST /v1/chat/completions |');
  console.log('|---|---|---|');
  for (const k of names) console.log(`| ${k} | ${chat[k]?.toFixed(3) ?? ''} | ${v1[k]?.toFixed(3) ?? ''} |`);
  console.log(`| added vs direct | ${(chat.client - direct.client).toFixed(3)} | ${(v1.client - direct.client).toFixed(3)} |`);
  console.log(`\nRedis commands per request: POST /chat ${commands.chat}; /v1 ${commands.v1}; POST /chat/stream ${commands.stream}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());
