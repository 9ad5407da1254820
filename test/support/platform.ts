import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, RedisServerHandle, ServiceProcess, spawnService, startRedisServer } from '@nitro/testing';

/** The six apps, as built by `pnpm build` (swc) into dist/. */
export type AppName = 'gateway' | 'ai-router' | 'media' | 'voice' | 'search' | 'agents';
const ROOT = join(__dirname, '..', '..');
export const MODEL_PATH = process.env.LOCAL_MODEL_PATH ?? join(ROOT, '..', 'shared', 'models', 'stories260K.gguf');

export function appScript(app: AppName): string {
  const script = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run "pnpm build" before the integration tests`);
  return script;
}

export interface PlatformOptions {
  /** Services to start besides the gateway (gateway is always started unless gateway: false). */
  services: Exclude<AppName, 'gateway'>[];
  /** Extra env for every process, and per app. */
  env?: Record<string, string>;
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  gateway?: boolean;
  /** Reuse a Redis server (e.g. one a test restarts); else a fresh one on a free port. */
  redis?: RedisServerHandle;
}

export interface Platform {
  baseUrl: string;
  redis: RedisServerHandle;
  procs: Map<string, ServiceProcess>;
  /** Headers that authenticate as the platform's test user (empty while auth is disabled). */
  headers: Record<string, string>;
  userId: string;
  env: Record<string, string>;
  /** fetch() against the gateway with the test user's headers. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  startApp(app: AppName, name?: string, env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * Starts a real Redis, the chosen services and the gateway as separate processes, and gives a
 * ready-to-use client. Every process logs to tmp/test-logs. Call stop() in afterAll.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const redis = opts.redis ?? (await startRedisServer());
  const ownsRedis = !opts.redis;
  const procs = new Map<string, ServiceProcess>();
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'info',
    LOCAL_MODEL_PATH: MODEL_PATH,
    AUTH_DISABLED: 'true',
    ...(opts.env ?? {}),
  };
  const startApp = async (app: AppName, name: string = app, extra: Record<string, string> = {}) => {
    const httpPort = await freePort();
    const portVar = app === 'gateway' ? { PORT: String(httpPort), HOST: '127.0.0.1' } : { HTTP_PORT: String(httpPort) };
    const proc = await spawnService({
      name,
      script: appScript(app),
      env: { ...env, ...(opts.appEnv?.[app] ?? {}), ...portVar, ...extra },
      readyUrl: `http://127.0.0.1:${httpPort}/health`,
      timeoutMs: 60_000,
    });
    Object.assign(proc, { port: httpPort });
    procs.set(name, proc);
    return proc;
  };
  await Promise.all(opts.services.map((s) => startApp(s)));
  let baseUrl = '';
  if (opts.gateway !== false) {
    const gw = await startApp('gateway');
    baseUrl = `http://127.0.0.1:${(gw as ServiceProcess & { port: number }).port}`;
  }
  const headers: Record<string, string> = {};
  const platform: Platform = {
    baseUrl,
    redis,
    procs,
    headers,
    userId: 'local',
    env,
    request: (path, init = {}) => {
      const { json, ...rest } = init;
      const h: Record<string, string> = { ...headers, ...((rest.headers as Record<string, string>) ?? {}) };
      if (json !== undefined) h['content-type'] = 'application/json';
      return fetch(`${baseUrl}${path}`, { ...rest, headers: h, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    startApp,
    stop: async () => {
      await Promise.all([...procs.values()].map((p) => p.stop()));
      if (ownsRedis) await redis.stop();
    },
  };
  return platform;
}

/** Reads a text/event-stream response into parsed events (until the server ends it). */
export async function readSse(res: Response, onEvent?: (e: { event: string; data: any }) => void): Promise<{ event: string; data: any }[]> {
  const events: { event: string; data: any }[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (!data.length) continue;
      const e = { event, data: JSON.parse(data.join('\n')) };
      events.push(e);
      onEvent?.(e);
    }
  }
  return events;
}
