/**
 * Stream lifecycle benchmark (docs/adr/0006-chat-stream-lifecycle.md), on the real local model:
 * - stop: POST /chat/streams/{id}/stop sent after the first token; how long until the stop answers
 *   (the turn is stored) and until a request sent at the same moment gets its first token (the
 *   model is free), next to that first-token time on an idle system;
 * - resume: a client drops the connection after `start` and reconnects with Last-Event-ID to the
 *   other gateway; time from the reconnect to the first replayed event.
 *
 *   pnpm build && node dist/bench/chat/stream-lifecycle.bench.js [rounds=50]
 */
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { freePort, spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { percentile } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const rounds = Number(process.argv[2] ?? 50);
const MODEL = process.env.LOCAL_MODEL_PATH || join(ROOT, 'test', 'fixtures', 'models', 'stories260K.gguf');
const BODY = { message: 'Once upon a time', user_id: 'local', options: { temperature: 0, max_tokens: 400 } };

/** Reads an SSE response until `until` says stop (then drops the connection) or the stream ends. */
async function readUntil(res: Response, ctl: AbortController, until: (e: EventSourceMessage) => boolean): Promise<EventSourceMessage[]> {
  const seen: EventSourceMessage[] = [];
  let stop = false;
  const parser = createParser({ onEvent: (e) => !stop && (seen.push(e), (stop = until(e))) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (stop) break;
    }
  } catch (err) {
    if (!ctl.signal.aborted) throw err;
  }
  ctl.abort();
  return seen;
}

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

/** ms from sending a streamed chat request to its first token. */
async function firstToken(gw: string, session: string): Promise<number> {
  const t0 = performance.now();
  const ctl = new AbortController();
  const res = await post(`${gw}/chat/stream`, { ...BODY, session_id: session, options: { temperature: 0, max_tokens: 8 } }, ctl.signal);
  await readUntil(res, ctl, (e) => e.event === 'token');
  return performance.now() - t0;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms`;
}

async function main() {
  const redis = await startRedisServer();
  const env = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    RATE_LIMIT_ENABLED: 'false',
    AI_PROVIDERS: 'local',
    LOCAL_MODEL_PATH: MODEL,
  };
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  await spawnService({
    name: 'bench-ai-router',
    script: join(ROOT, 'dist/apps/ai-router/src/main.js'),
    env: { ...env, HTTP_PORT: String(ports[0]) },
    readyUrl: `http://127.0.0.1:${ports[0]}/health`,
    timeoutMs: 60_000,
  });
  const [gwA, gwB] = await Promise.all(
    ports.slice(1).map(async (port, i) => {
      await spawnService({
        name: `bench-gateway-${i}`,
        script: join(ROOT, 'dist/apps/gateway/src/main.js'),
        env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
        readyUrl: `http://127.0.0.1:${port}/health`,
      });
      return `http://127.0.0.1:${port}`;
    }),
  );
  for (let i = 0; i < 5; i++) await firstToken(gwA, `warm-${i}`);

  const idle: number[] = [];
  const stopAnswered: number[] = [];
  const freeAfterStop: number[] = [];
  for (let i = 0; i < rounds; i++) {
    idle.push(await firstToken(gwA, `idle-${i}`));
    const ctl = new AbortController();
    const res = await post(`${gwA}/chat/stream`, { ...BODY, session_id: `stop-${i}` }, ctl.signal);
    const streamId = res.headers.get('x-stream-id')!;
    let tokenSeen: () => void = () => undefined;
    const gotToken = new Promise<void>((resolve) => (tokenSeen = resolve));
    const reading = readUntil(res, ctl, (e) => (e.event === 'token' && tokenSeen(), e.event === 'done' || e.event === 'error'));
    await Promise.race([gotToken, reading]);
    const t0 = performance.now();
    const [stopRes, probe] = await Promise.all([
      post(`${gwA}/chat/streams/${streamId}/stop`, {}).then(async (r) => (await r.json(), performance.now() - t0)),
      firstToken(gwA, `probe-${i}`),
    ]);
    stopAnswered.push(stopRes);
    freeAfterStop.push(probe);
    await reading;
  }

  const resume: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const ctl = new AbortController();
    const res = await post(`${gwA}/chat/stream`, { ...BODY, session_id: `resume-${i}` }, ctl.signal);
    const seen = await readUntil(res, ctl, (e) => e.event === 'start');
    const t0 = performance.now();
    const again = await fetch(`${gwB}/chat/streams/${res.headers.get('x-stream-id')}`, { headers: { 'last-event-id': seen.at(-1)!.id! } });
    const ctl2 = new AbortController();
    await readUntil(again, ctl2, () => true);
    resume.push(performance.now() - t0);
    await post(`${gwB}/chat/streams/${res.headers.get('x-stream-id')}/stop`, {});
  }

  console.log(
    `\nstream lifecycle benchmark: local model (${MODEL.split('/').at(-1)}), ${rounds} rounds each, load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(`first token on an idle system:                       ${stats(idle)}`);
  console.log(`stop request -> stop answered (turn stored, stopped): ${stats(stopAnswered)}`);
  console.log(`stop request -> first token of a request sent then:   ${stats(freeAfterStop)}`);
  console.log(`resume on the other gateway -> first replayed event:  ${stats(resume)}`);
  await stopAllProcesses();
  await redis.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
  void stopAllProcesses();
});
