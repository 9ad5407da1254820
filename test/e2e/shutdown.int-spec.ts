import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ServiceProcess, spawnService, startRedisServer } from '@nitro/testing';
import { appScript, MODEL_PATH } from '../support/platform';

/**
 * Issue 14 (15): with Redis stopped, every service ignored SIGTERM (still running 12 s later; one left
 * behind ran 18 minutes). Now shutdown has a deadline (SHUTDOWN_TIMEOUT_MS): a service ends within it,
 * and one that had to be cut short says what it waited for and exits non-zero.
 */
const ROOT = join(__dirname, '..', '..');
const APPS = (['ai-router', 'media', 'voice', 'search', 'agents', 'gateway'] as const).filter((s) =>
  existsSync(join(ROOT, 'dist', 'apps', s, 'src', 'main.js')),
);
const DEADLINE_MS = 2_000;

async function startAll(redisUrl: string): Promise<Map<string, ServiceProcess>> {
  const procs = new Map<string, ServiceProcess>();
  for (const app of APPS) {
    const port = await freePort();
    const portVar = app === 'gateway' ? { PORT: String(port), HOST: '127.0.0.1' } : { HTTP_PORT: String(port) };
    const env = {
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
      LOCAL_MODEL_PATH: MODEL_PATH,
      AI_PROVIDERS: 'local',
      ...portVar,
    };
    procs.set(
      app,
      await spawnService({
        name: `shutdown-${app}`,
        script: appScript(app),
        env,
        readyUrl: `http://127.0.0.1:${port}/health`,
        timeoutMs: 60_000,
      }),
    );
  }
  return procs;
}

async function stopAll(procs: Map<string, ServiceProcess>): Promise<Record<string, { ms: number; code: number | null }>> {
  const started = Date.now();
  const out: Record<string, { ms: number; code: number | null }> = {};
  await Promise.all(
    [...procs].map(async ([app, proc]) => {
      proc.kill('SIGTERM');
      const code = await Promise.race([proc.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), DEADLINE_MS + 8_000))]);
      if (code === 'running') proc.kill('SIGKILL');
      out[app] = { ms: Date.now() - started, code: code === 'running' ? -1 : code };
    }),
  );
  return out;
}

describe('shutdown has a deadline (SHUTDOWN_TIMEOUT_MS)', () => {
  jest.setTimeout(180_000);

  it('with Redis stopped, every service exits within the deadline; one cut short logs what it waited for and exits non-zero', async () => {
    const redis = await startRedisServer();
    const procs = await startAll(redis.url);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500)); // the clients notice and start reconnecting
    const result = await stopAll(procs);
    for (const [app, { ms, code }] of Object.entries(result)) {
      expect([app, code !== -1, ms < DEADLINE_MS + 3_000]).toEqual([app, true, true]);
      const logs = procs.get(app)!.logs();
      if (/shutdown did not finish/.test(logs)) {
        expect([app, code]).toEqual([app, 1]);
        expect(logs).toMatch(/"waiting_for":"[^"]+"/);
        expect(logs).toMatch(/"active_resources":\{/);
      }
    }
  });

  it('with Redis up, every service exits cleanly well within the deadline', async () => {
    const redis = await startRedisServer();
    const procs = await startAll(redis.url);
    const result = await stopAll(procs);
    await redis.stop();
    for (const [app, { ms, code }] of Object.entries(result)) {
      expect([app, code !== -1, ms < DEADLINE_MS + 3_000]).toEqual([app, true, true]);
      expect([app, /shutdown did not finish/.test(procs.get(app)!.logs())]).toEqual([app, false]);
    }
  });
});
