import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, RedisServerHandle, ServiceProcess, spawnService, startRedisServer } from '@nitro/testing';

/** The six apps, as built by `pnpm build` (swc) into dist/. */
export type AppName = 'gateway' | 'ai-router' | 'media' | 'voice' | 'search' | 'agents';
const ROOT = join(__dirname, '..', '..');
/** The committed test model (test/fixtures/models/README.md); LOCAL_MODEL_PATH overrides it. */
export const MODEL_PATH = process.env.LOCAL_MODEL_PATH || join(ROOT, 'test', 'fixtures', 'models', 'stories260K.gguf');
/**
 * Every secret the harness configures or receives (JWT keys, passwords, tokens) is appended here,
 * one per line, so test/e2e/auth-log-secrets can prove none of them reached tmp/test-logs.
 */
export const TEST_SECRETS_DIR = join(ROOT, 'tmp', 'test-secrets');

export function recordSecret(...values: (string | undefined)[]): void {
  mkdirSync(TEST_SECRETS_DIR, { recursive: true });
  const lines = values.filter((v): v is string => !!v && v.length >= 8);
  if (lines.length) appendFileSync(join(TEST_SECRETS_DIR, `${process.pid}.txt`), lines.map((v) => `${v}\n`).join(''));
}

/** Generous budgets so feature suites never meet a 429; security suites set their own. */
const TEST_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_CHAT: '100000',
  RATE_LIMIT_IMAGE: '100000',
  RATE_LIMIT_VOICE: '100000',
  RATE_LIMIT_SEARCH: '100000',
  RATE_LIMIT_AGENTS: '100000',
  RATE_LIMIT_AUTH: '100000',
  RATE_LIMIT_DEFAULT: '100000',
};

/** Same password for the same account on the same Redis, so a platform started again on a kept Redis can sign in. */
const passwords = new Map<string, string>();
function passwordFor(redisUrl: string, id: string): string {
  const key = `${redisUrl}|${id}`;
  if (!passwords.has(key)) passwords.set(key, randomBytes(12).toString('base64url'));
  return passwords.get(key)!;
}

/** An account on the platform, signed in. */
export interface TestUser {
  id: string;
  password: string;
  role: 'admin' | 'user';
  accessToken: string;
  refreshToken: string;
  /** { authorization: 'Bearer <accessToken>' } */
  headers: Record<string, string>;
}

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
  /** false: register nobody at start (tests of the first-admin rule); headers stay empty. */
  seedUsers?: boolean;
}

export interface Platform {
  baseUrl: string;
  redis: RedisServerHandle;
  procs: Map<string, ServiceProcess>;
  /** Headers that authenticate as the platform's test user (empty while auth is disabled). */
  headers: Record<string, string>;
  /** The test user's id (a normal user, not the admin); 'local' when AUTH_DISABLED=true. */
  userId: string;
  /** The first account registered, hence the admin (undefined when auth is disabled). */
  admin?: TestUser;
  /** The test user behind `headers`. */
  user?: TestUser;
  env: Record<string, string>;
  /** Registers and signs in another (normal) user through the real API: isolation tests. */
  createUser(id?: string, password?: string): Promise<TestUser>;
  /** POST /auth/login; throws with the response body when it is not 200. */
  login(id: string, password: string, baseUrl?: string): Promise<TestUser>;
  /** fetch() against the gateway with the test user's headers. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  startApp(app: AppName, name?: string, env?: Record<string, string>): Promise<ServiceProcess>;
  /** http://127.0.0.1:<port> of a started app by its name (e.g. a second gateway, 'gateway-b'). */
  urlOf(name: string): string;
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
  // Auth is on, as in production; AUTH_DISABLED: 'true' in opts.env is the opt-out.
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'info',
    LOCAL_MODEL_PATH: MODEL_PATH,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    ACCESS_TOKEN_TTL_S: '3600',
    ...TEST_RATE_LIMITS,
    ...(opts.env ?? {}),
  };
  recordSecret(env.JWT_SECRET);
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
  const authOn = !/^(true|1|yes|on)$/i.test(env.AUTH_DISABLED ?? '') && opts.gateway !== false && opts.seedUsers !== false;
  let counter = 0;
  const login = async (id: string, password: string, url = baseUrl): Promise<TestUser> => {
    const res = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: id, password }),
    });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`login as ${id} failed: ${res.status} ${JSON.stringify(body)}`);
    recordSecret(body.access_token, body.refresh_token);
    return {
      id: body.user.id,
      password,
      role: body.user.role,
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      headers: { authorization: `Bearer ${body.access_token}` },
    };
  };
  const createUser = async (
    id = `user-${process.pid}-${++counter}`,
    password = randomBytes(12).toString('base64url'),
  ): Promise<TestUser> => {
    recordSecret(password);
    const res = await fetch(`${baseUrl}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: id, password }),
    });
    // 409: a reused Redis already has this account (e.g. a suite that restarts the platform).
    if (res.status !== 201 && res.status !== 409) throw new Error(`register ${id} failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
    return login(id, password);
  };
  const platform: Platform = {
    baseUrl,
    redis,
    procs,
    headers,
    userId: 'local',
    env,
    createUser,
    login,
    request: (path, init = {}) => {
      const { json, ...rest } = init;
      const h: Record<string, string> = { ...headers, ...((rest.headers as Record<string, string>) ?? {}) };
      if (json !== undefined) h['content-type'] = 'application/json';
      return fetch(`${baseUrl}${path}`, { ...rest, headers: h, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    startApp,
    urlOf: (name) => {
      const proc = procs.get(name) as (ServiceProcess & { port?: number }) | undefined;
      if (!proc?.port) throw new Error(`no app named ${name} was started`);
      return `http://127.0.0.1:${proc.port}`;
    },
    stop: async () => {
      await Promise.all([...procs.values()].map((p) => p.stop()));
      if (ownsRedis) await redis.stop();
    },
  };
  if (authOn) {
    // The first account is the admin; the default test user is a normal user, as most callers are.
    platform.admin = await createUser('admin', passwordFor(redis.url, 'admin'));
    platform.user = await createUser('tester', passwordFor(redis.url, 'tester'));
    Object.assign(headers, platform.user.headers);
    platform.userId = platform.user.id;
  }
  return platform;
}

/** One parsed Server-Sent Event; `id` is its `id:` line when it has one. */
export interface SseEvent {
  event: string;
  data: any;
  id?: string;
}

/** Reads a text/event-stream response into parsed events (until the server ends it). */
export async function readSse(res: Response, onEvent?: (e: SseEvent) => void): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('id: ')) id = line.slice(4);
      }
      if (!data.length) continue;
      const e: SseEvent = { event, data: JSON.parse(data.join('\n')), id };
      events.push(e);
      onEvent?.(e);
    }
  }
  return events;
}

/**
 * Signs a JWT with node:crypto (jose is ESM-only and jest cannot load it): tests forge expired,
 * tampered or foreign-key tokens with it, and it proves the gateway's tokens are plain RFC 7519.
 */
export function signTestJwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The claims of a JWT, unverified (tests only). */
export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Sum of a counter's samples on one started app's /metrics, by process name (0 when it has none yet). */
export async function metricSum(p: Platform, proc: string, name: string): Promise<number> {
  const port = (p.procs.get(proc) as unknown as { port: number }).port;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
