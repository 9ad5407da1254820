import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { freePort, waitFor } from '@nitro/testing';
import { Platform, readSse, startPlatform } from '../support/platform';
import { renderNginx } from '../../tools/validate/nginx.render';

/** Ollama's /api/chat NDJSON, one chunk every `gapMs`, so buffering anywhere on the path would show. */
function slowOllama(port: number, gapMs: number, chunks: number): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const base = { model: body.model ?? 'phi3', created_at: new Date().toISOString() };
      const words = Array.from({ length: chunks }, (_, i) => ` w${i}`);
      if (body.stream === false) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ...base,
            message: { role: 'assistant', content: words.join('') },
            done: true,
            done_reason: 'stop',
            eval_count: chunks,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        if (i < chunks) res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: words[i++] }, done: false }) + '\n');
        else {
          clearInterval(timer);
          res.end(
            JSON.stringify({ ...base, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', eval_count: chunks }) +
              '\n',
          );
        }
      }, gapMs);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('nginx load balancer in front of two gateways (repository config, Debian nginx)', () => {
  let p: Platform;
  let nginx: ChildProcess;
  let ollama: Server;
  let edge = '';
  const portOf = (name: string) => (p.procs.get(name) as unknown as { port: number }).port;
  const servedBy = (name: string) =>
    (
      p.procs
        .get(name)!
        .logs()
        .match(/"route":"\/chat(\/stream)?"/g) ?? []
    ).length;

  beforeAll(async () => {
    const ollamaPort = await freePort();
    ollama = await slowOllama(ollamaPort, 120, 8);
    p = await startPlatform({ services: ['ai-router'], env: { AI_PROVIDERS: 'ollama', OLLAMA_HOST: `http://127.0.0.1:${ollamaPort}` } });
    await p.startApp('gateway', 'gateway-b');
    const httpPort = await freePort();
    const r = renderNginx({
      NITRO_UPSTREAM_SERVERS: `server 127.0.0.1:${portOf('gateway')} max_fails=1 fail_timeout=10s; server 127.0.0.1:${portOf('gateway-b')} max_fails=1 fail_timeout=10s;`,
      NITRO_RATE_LIMIT: '2000',
      NITRO_MAX_BODY: '26m',
      NITRO_HTTP_PORT: String(httpPort),
      NITRO_RESOLVER: '',
    });
    nginx = spawn('nginx', ['-p', r.prefix, '-c', r.conf], { stdio: 'ignore' });
    edge = `http://127.0.0.1:${httpPort}`;
    await waitFor(async () => (await fetch(`${edge}/health`).catch(() => null))?.ok === true, { timeoutMs: 10_000, intervalMs: 100 });
  });

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    ollama?.close();
    await p?.stop();
  });

  const chat = (message: string, session_id: string) =>
    fetch(`${edge}/chat`, {
      method: 'POST',
      headers: { ...p.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message, user_id: p.userId, session_id }),
    });

  it('spreads requests over both gateways, and one conversation continues across them', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await chat(`turn ${i}`, 'lb-conv');
      expect(res.status).toBe(200);
    }
    expect(servedBy('gateway')).toBeGreaterThan(0);
    expect(servedBy('gateway-b')).toBeGreaterThan(0);
    const hist = await (await fetch(`${edge}/chat/history/${p.userId}?session_id=lb-conv`, { headers: p.headers })).json();
    expect(hist.messages.filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => m.content)).toEqual(
      Array.from({ length: 12 }, (_, i) => `turn ${i}`),
    );
  });

  it('delivers an SSE chat stream token by token through nginx (no buffering)', async () => {
    const res = await fetch(`${edge}/chat/stream`, {
      method: 'POST',
      headers: { ...p.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'stream please', user_id: p.userId, session_id: 'lb-sse' }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const arrivals: number[] = [];
    const events = await readSse(res, (e) => e.event === 'token' && arrivals.push(Date.now()));
    expect(events.filter((e) => e.event === 'token')).toHaveLength(8);
    expect(events[events.length - 1].event).toBe('done');
    // The upstream sends a chunk every 120 ms: a buffered proxy would hand them over all at once.
    const spread = arrivals[arrivals.length - 1] - arrivals[0];
    expect(spread).toBeGreaterThan(500);
  });

  it('keeps answering through the other gateway when one is killed; only its in-flight requests fail', async () => {
    const startStream = () =>
      fetch(`${edge}/chat/stream`, {
        method: 'POST',
        headers: { ...p.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'long', user_id: p.userId, session_id: `kill-${Math.random().toString(36).slice(2, 8)}` }),
      })
        .then((res) => readSse(res))
        .then((events) => (events[events.length - 1]?.event === 'done' ? 'ok' : 'incomplete'))
        .catch(() => 'failed');
    // least_conn puts two concurrent streams on different gateways.
    const inflight = [startStream(), startStream()];
    await new Promise((r) => setTimeout(r, 300));
    p.procs.get('gateway')!.kill('SIGKILL');
    const outcomes = await Promise.all(inflight);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(`after kill ${i}`, 'lb-after').then((r) => r.status)));
    expect(after).toEqual(Array(10).fill(200));
  });
});
