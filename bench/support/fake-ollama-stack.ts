import { join } from 'node:path';
import { freePort, spawnService, startRedisServer, type ServiceProcess } from '@nitro/testing';
import { startFakeOllama } from '../chat/fake-ollama';

const ROOT = join(__dirname, '..', '..', '..');

/** A redis-server, a fake Ollama answering after `latencyMs`, and gateway + ai-router (built in dist/) in front of it. */
export interface FakeOllamaStack {
  /** http://127.0.0.1:<port> of the fake Ollama (call it directly for the baseline). */
  ollamaUrl: string;
  /** http://127.0.0.1:<port> of the gateway. */
  gatewayUrl: string;
  gateway: ServiceProcess;
  aiRouter: ServiceProcess;
  stop(): Promise<void>;
}

/** Starts the stack the chat and /v1 overhead benches measure (auth and rate limits off). */
export async function startFakeOllamaStack(latencyMs = 20): Promise<FakeOllamaStack> {
  const redis = await startRedisServer();
  const ollamaPort = await freePort();
  const fake = await startFakeOllama(ollamaPort, latencyMs);
  const env = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    RATE_LIMIT_ENABLED: 'false',
    AI_PROVIDERS: 'ollama',
    OLLAMA_HOST: `http://127.0.0.1:${ollamaPort}`,
  };
  const [aiPort, gwPort] = [await freePort(), await freePort()];
  const aiRouter = await spawnService({
    name: 'bench-ai-router',
    script: join(ROOT, 'dist/apps/ai-router/src/main.js'),
    env: { ...env, HTTP_PORT: String(aiPort) },
    readyUrl: `http://127.0.0.1:${aiPort}/health`,
  });
  const gateway = await spawnService({
    name: 'bench-gateway',
    script: join(ROOT, 'dist/apps/gateway/src/main.js'),
    env: { ...env, PORT: String(gwPort), HOST: '127.0.0.1' },
    readyUrl: `http://127.0.0.1:${gwPort}/health`,
  });
  return {
    ollamaUrl: `http://127.0.0.1:${ollamaPort}`,
    gatewayUrl: `http://127.0.0.1:${gwPort}`,
    gateway,
    aiRouter,
    stop: async () => {
      await gateway.stop();
      await aiRouter.stop();
      fake.close();
      await redis.stop();
    },
  };
}
