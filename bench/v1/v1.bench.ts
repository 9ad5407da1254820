/**
 * Added latency of the OpenAI-compatible POST /v1/chat/completions (issue 15): a fake Ollama answers
 * /api/chat after 20 ms; we call it directly and through gateway -> Redis Streams -> ai-router
 * (chat.complete) -> Ollama adapter, non-stream and stream, and print the difference.
 *
 *   pnpm build && node dist/bench/v1/v1.bench.js [seconds=10] [connections=64]
 *
 * Load comes from wrk (C, little CPU) so the two cores go to the services. Needs Debian's wrk and redis-server.
 */
import { stopAllProcesses } from '@nitro/testing';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { series } from '../support/request-timing';
import { rssMb, wrk } from '../support/wrk';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);

async function main() {
  const stack = await startFakeOllamaStack(20);
  const { gateway: gw, aiRouter: ai } = stack;
  await new Promise((r) => setTimeout(r, 1000));
  const idle = { gateway: rssMb(gw.pid), aiRouter: rssMb(ai.pid) };

  const direct = `${stack.ollamaUrl}/api/chat`;
  const messages = [{ role: 'user', content: 'hi' }];
  const ollamaBody = (stream: boolean) => ({ model: 'phi3', stream, messages });
  const v1 = `${stack.gatewayUrl}/v1/chat/completions`;
  const v1Body = (stream: boolean) => ({ model: 'default', messages, stream });

  const c1Direct = await series(300, direct, ollamaBody(false), 'total');
  const c1V1 = await series(300, v1, v1Body(false), 'total');
  const ftDirect = await series(200, direct, ollamaBody(true), 'firstToken');
  const ftV1 = await series(200, v1, v1Body(true), 'firstToken');

  const loadDirect = await wrk(direct, { body: ollamaBody(false), connections, seconds });
  const loadV1 = await wrk(v1, { body: v1Body(false), connections, seconds });
  const loadStream = await wrk(v1, { body: v1Body(true), connections, seconds });
  const loaded = { gateway: rssMb(gw.pid), aiRouter: rssMb(ai.pid) };

  const f = (n: number) => n.toFixed(2);
  console.log(`\n/v1/chat/completions overhead: fake Ollama with 20 ms latency, ${seconds}s per load run, wrk -c${connections}\n`);
  console.log('| measurement | p50 ms | p99 ms | req/s | errors |');
  console.log('|---|---|---|---|---|');
  console.log(`| c=1 direct to Ollama (non-streaming) | ${f(c1Direct.p50)} | ${f(c1Direct.p99)} | | |`);
  console.log(`| c=1 POST /v1/chat/completions | ${f(c1V1.p50)} | ${f(c1V1.p99)} | | |`);
  console.log(`| **added latency at c=1** | **${f(c1V1.p50 - c1Direct.p50)}** | ${f(c1V1.p99 - c1Direct.p99)} | | |`);
  console.log(`| first token direct (NDJSON) | ${f(ftDirect.p50)} | ${f(ftDirect.p99)} | | |`);
  console.log(`| first token /v1 stream (SSE) | ${f(ftV1.p50)} | ${f(ftV1.p99)} | | |`);
  console.log(`| **streaming first-token overhead** | **${f(ftV1.p50 - ftDirect.p50)}** | ${f(ftV1.p99 - ftDirect.p99)} | | |`);
  console.log(
    `| c=${connections} direct to Ollama | ${f(loadDirect.p50ms)} | ${f(loadDirect.p99ms)} | ${loadDirect.rps.toFixed(0)} | ${loadDirect.errors} |`,
  );
  console.log(
    `| c=${connections} /v1/chat/completions | ${f(loadV1.p50ms)} | ${f(loadV1.p99ms)} | **${loadV1.rps.toFixed(0)}** | ${loadV1.errors} |`,
  );
  console.log(
    `| c=${connections} /v1/chat/completions stream | ${f(loadStream.p50ms)} | ${f(loadStream.p99ms)} | ${loadStream.rps.toFixed(0)} | ${loadStream.errors} |`,
  );
  console.log(
    `\nRSS MB idle: gateway ${f(idle.gateway)}, ai-router ${f(idle.aiRouter)}; after load: gateway ${f(loaded.gateway)}, ai-router ${f(loaded.aiRouter)}`,
  );

  await stack.stop();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());
