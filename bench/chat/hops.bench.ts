/**
 * Where the time of one chat request goes, hop by hop (issue 17): the stack runs with SERVER_TIMING=all,
 * sequential requests (c=1) to POST /chat and POST /v1/chat/completions, and the medians of every
 * `Server-Timing` entry are printed next to the client-side latency and a direct call to the fake Ollama.
 *
 *   pnpm build && node dist/bench/chat/hops.bench.js [requests=300]
 */
import { Agent, request } from 'node:http';
import { stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { percentile } from '../support/wrk';

const n = Number(process.argv[2] ?? 300);
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

async function main() {
  const stack = await startFakeOllamaStack({ latencyMs: 0, env: { SERVER_TIMING: 'all' } });
  const direct = await medians(`${stack.ollamaUrl}/api/chat`, {
    model: 'phi3',
    stream: false,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const chat = await medians(`${stack.gatewayUrl}/chat`, { message: 'hi', user_id: 'bench', session_id: 'hops' });
  const v1 = await medians(`${stack.gatewayUrl}/v1/chat/completions`, { model: 'default', messages: [{ role: 'user', content: 'hi' }] });
  await stack.stop();
  const names = [...new Set([...Object.keys(chat), ...Object.keys(v1)])];
  console.log(`\nmedians of ${n} sequential requests (ms); direct call to the fake Ollama: ${direct.client.toFixed(3)} ms\n`);
  console.log('| hop | POST /chat | POST /v1/chat/completions |');
  console.log('|---|---|---|');
  for (const k of names) console.log(`| ${k} | ${chat[k]?.toFixed(3) ?? ''} | ${v1[k]?.toFixed(3) ?? ''} |`);
  console.log(`| added vs direct | ${(chat.client - direct.client).toFixed(3)} | ${(v1.client - direct.client).toFixed(3)} |`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());
