import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** redis://127.0.0.1:<port> of the stack's own redis-server (INFO commandstats per request). */
  redisUrl: string;
  gateway: ServiceProcess;
  aiRouter: ServiceProcess;
  /** Where `--cpu-prof` writes each service's `.cpuprofile` (when `cpuProfile` is set; written on exit), or the heap sampler its `.heapprofile`. */
  profileDirs: { gateway: string; aiRouter: string };
  stop(): Promise<void>;
}

/** Options of {@link startFakeOllamaStack}. */
export interface FakeOllamaStackOptions {
  /** The fake Ollama's latency in ms (0 = answers at once, as issue 17 measures). */
  latencyMs?: number;
  /** Extra env for both services (e.g. AUTH_DISABLED=false, SERVER_TIMING=true). */
  env?: Record<string, string>;
  /** A checkout whose `dist/` to run (default: this one); an A/B bench points it at a build of an earlier commit. */
  root?: string;
  /** Run both services under `node --cpu-prof`, each writing to its own directory ({@link FakeOllamaStack.profileDirs}). */
  cpuProfile?: boolean;
  /** Preload `heap-sampler.js` in both services: SIGWINCH starts allocation sampling, the next one writes the profile. */
  heapSampling?: boolean;
}

/** Starts the stack the chat and /v1 overhead benches measure (auth and rate limits off unless `env` says otherwise). */
export async function startFakeOllamaStack(opts: FakeOllamaStackOptions | number = {}): Promise<FakeOllamaStack> {
  const {
    latencyMs = 0,
    env: extra = {},
    cpuProfile = false,
    heapSampling = false,
    root = ROOT,
  } = typeof opts === 'number' ? { latencyMs: opts } : opts;
  const profileDirs = { gateway: mkdtempSync(join(tmpdir(), 'prof-gateway-')), aiRouter: mkdtempSync(join(tmpdir(), 'prof-ai-router-')) };
  const prof = (dir: string): string[] => [
    ...(cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []),
    ...(heapSampling ? ['--require', join(__dirname, 'heap-sampler.js')] : []),
  ];
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
    ...extra,
  };
  const [aiPort, gwPort] = [await freePort(), await freePort()];
  const aiRouter = await spawnService({
    name: 'bench-ai-router',
    script: join(root, 'dist/apps/ai-router/src/main.js'),
    env: { ...env, HTTP_PORT: String(aiPort), NITRO_HEAP_SAMPLE_DIR: profileDirs.aiRouter },
    nodeArgs: prof(profileDirs.aiRouter),
    readyUrl: `http://127.0.0.1:${aiPort}/health`,
  });
  const gateway = await spawnService({
    name: 'bench-gateway',
    script: join(root, 'dist/apps/gateway/src/main.js'),
    env: { ...env, PORT: String(gwPort), HOST: '127.0.0.1', NITRO_HEAP_SAMPLE_DIR: profileDirs.gateway },
    nodeArgs: prof(profileDirs.gateway),
    readyUrl: `http://127.0.0.1:${gwPort}/health`,
  });
  return {
    ollamaUrl: `http://127.0.0.1:${ollamaPort}`,
    gatewayUrl: `http://127.0.0.1:${gwPort}`,
    redisUrl: redis.url,
    gateway,
    aiRouter,
    profileDirs,
    stop: async () => {
      await gateway.stop();
      await aiRouter.stop();
      fake.close();
      await redis.stop();
    },
  };
}
