import { Agent, request } from 'node:http';
import { percentile } from './wrk';

/** One keep-alive connection: sequential requests measure latency, not connection setup. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Timings of one POST, in ms from sending: first body byte, first content token, end. */
export interface RequestTiming {
  ttfb: number;
  firstToken: number;
  total: number;
}

/**
 * POSTs `body` as JSON and times it. A "token" is the first content piece in any of the formats
 * we bench: Ollama's NDJSON (`"content":"…"`), an OpenAI chunk (same field) or our SSE `event: token`.
 * @throws when the answer is not a 200 (with the first 300 characters of the body)
 */
export function timeRequest(url: string, body: unknown): Promise<RequestTiming> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const start = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - start) / 1e6;
    let ttfb = 0;
    let firstToken = 0;
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          if (!ttfb) ttfb = since();
          buf += c.toString();
          if (!firstToken && (/event: token/.test(buf) || /"content":"[^"]+"/.test(buf))) firstToken = since();
        });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}: ${buf.slice(0, 300)}`));
          resolve({ ttfb, firstToken, total: since() });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** 20 warm-up requests, then `n` timed ones: p50 and p99 of `key` in ms. */
export async function series(n: number, url: string, body: unknown, key: keyof RequestTiming): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await timeRequest(url, body);
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push((await timeRequest(url, body))[key]);
  xs.sort((a, b) => a - b);
  return { p50: percentile(xs, 50), p99: percentile(xs, 99) };
}
