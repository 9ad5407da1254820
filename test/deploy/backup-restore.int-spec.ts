import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { USER_UID_PATTERN } from '@nitro/contracts';
import { freePort, pingRedis, RedisServerHandle, waitFor } from '@nitro/testing';
import { AUTH_KEYS } from '../../apps/gateway/src/auth/auth-keys.constants';
import { LocalS3, startLocalS3 } from '../../apps/media/test/support/local-s3';
import { Platform, readSse, startPlatform, TestUser } from '../support/platform';

const ROOT = join(__dirname, '..', '..');

/** redis-server as compose and the StatefulSet run it (AOF on) with its data in `dir`. */
async function persistentRedis(dir: string): Promise<RedisServerHandle & { start(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(() => pingRedis(port), { timeoutMs: 10_000, intervalMs: 50 });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    kill: (s = 'SIGKILL') => child?.kill(s),
    restart: async () => (await stop(), start()),
  };
}

describe('backup and restore of Redis and the S3 gallery (scripts/backup.sh, scripts/restore.sh)', () => {
  let s3: LocalS3;
  let redis: Awaited<ReturnType<typeof persistentRedis>>;
  let p: Platform | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'nitro-redis-data-'));
  const backupDir = join(mkdtempSync(join(tmpdir(), 'nitro-backup-')), 'b1');

  beforeAll(async () => {
    s3 = await startLocalS3();
    redis = await persistentRedis(dataDir);
  });

  afterAll(async () => {
    await p?.stop();
    await redis?.stop();
    await s3?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, ...s3.env, REDIS_URL: redis.url });
  const objects = async () =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!).sort();
  const platform = () =>
    startPlatform({
      services: ['media'],
      redis,
      env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      appEnv: { media: { PROCEDURAL_DELAY_MS: '20', GALLERY_SWEEP_INTERVAL_MS: '0' } },
    });

  it('dump, wipe, restore: the platform answers with the same users, gallery and image bytes', async () => {
    p = await platform();
    const alice: TestUser = await p.createUser('alice-backup');
    const job = await (
      await p.request('/generate-image', {
        method: 'POST',
        json: { prompt: 'a green circle', user_id: p.userId, settings: { width: 64, height: 64 } },
      })
    ).json();
    expect((await readSse(await p.request(job.events_url))).at(-1)?.event).toBe('done');
    const gallery = await (await p.request(`/gallery/${p.userId}`)).json();
    expect(gallery.images?.length ?? gallery.items?.length).toBeGreaterThan(0);
    const filename = JSON.stringify(gallery).match(/img-[0-9a-f]{24}-0\.png/)![0];
    const bytes = Buffer.from(await (await p.request(`/gallery/download/${filename}`)).arrayBuffer());
    const keysBefore = await objects();
    // The gallery is keyed by the account's internal uid: it must come back with the account.
    const uidKey = AUTH_KEYS.user(p.userId.toLowerCase());
    const uid = execFileSync('redis-cli', ['-u', redis.url, 'hget', uidKey, 'uid'], { encoding: 'utf8' }).trim();
    expect(uid).toMatch(USER_UID_PATTERN);
    expect(keysBefore.every((k) => k.startsWith(`users/${uid}/`))).toBe(true);

    execFileSync('bash', ['scripts/backup.sh', backupDir], { cwd: ROOT, env: env(), stdio: 'pipe', timeout: 60_000 });
    expect(existsSync(join(backupDir, 'redis.rdb'))).toBe(true);
    await p.stop();
    p = undefined;

    // Wipe: Redis loses everything (data folder emptied), the bucket loses every object.
    await redis.stop();
    for (const f of readdirSync(dataDir)) rmSync(join(dataDir, f), { recursive: true, force: true });
    await redis.start();
    expect(execFileSync('redis-cli', ['-u', redis.url, 'dbsize'], { encoding: 'utf8' }).trim()).toBe('0');
    for (const key of keysBefore) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(await objects()).toEqual([]);

    // restore.sh refuses while Redis runs; then restores into the stopped server's folder.
    expect(() =>
      execFileSync('bash', ['scripts/restore.sh', backupDir], { cwd: ROOT, env: { ...env(), REDIS_DATA_DIR: dataDir }, stdio: 'pipe' }),
    ).toThrow(/still answers/);
    await redis.stop();
    execFileSync('bash', ['scripts/restore.sh', backupDir], {
      cwd: ROOT,
      env: { ...env(), REDIS_DATA_DIR: dataDir },
      stdio: 'pipe',
      timeout: 60_000,
    });
    await redis.start();
    expect(await objects()).toEqual(keysBefore);

    // The same platform data: both accounts sign in with their passwords, the gallery and the bytes are back.
    expect(execFileSync('redis-cli', ['-u', redis.url, 'hget', uidKey, 'uid'], { encoding: 'utf8' }).trim()).toBe(uid);
    p = await platform();
    await expect(p.login('alice-backup', alice.password)).resolves.toMatchObject({ id: alice.id });
    expect(await (await p.request(`/gallery/${p.userId}`)).json()).toEqual(gallery);
    expect(Buffer.from(await (await p.request(`/gallery/download/${filename}`)).arrayBuffer()).equals(bytes)).toBe(true);
    // And the restored data is durable: AOF rebuilt from the snapshot, a restart keeps it.
    await p.stop();
    p = undefined;
    await redis.restart();
    expect(Number(execFileSync('redis-cli', ['-u', redis.url, 'dbsize'], { encoding: 'utf8' }).trim())).toBeGreaterThan(0);
  });
});
