import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '@nitro/testing';
import { LocalS3, startLocalS3 } from '../../apps/media/test/support/local-s3';
import { Platform, readSse, startPlatform } from '../support/platform';

const PRELOAD = join(__dirname, '..', 'support', 'loaded-modules.preload.js');
const BULLMQ = /node_modules\/bullmq\//;
const S3_SDK = /node_modules\/(@aws-sdk|@smithy)\//;

/**
 * Issue 17: the gateway loads BullMQ and the S3 SDK (~9 MB of heap) and opens its BullMQ connections
 * only when a request first needs them. The real gateway runs with a preload that lists its loaded
 * modules (Object.keys(require.cache)) on SIGWINCH; Redis CLIENT LIST names its connections.
 */
describe('gateway loads BullMQ and the S3 SDK on first use (issue 17)', () => {
  let p: Platform;
  let s3: LocalS3;
  let redis: Redis;
  let dir: string;

  /** The gateway's loaded module paths, now. */
  const loaded = async (): Promise<string[]> => {
    const file = join(dir, 'modules.txt');
    rmSync(file, { force: true });
    p.procs.get('gateway')!.kill('SIGWINCH');
    await waitFor(() => existsSync(file), { timeoutMs: 5_000, description: 'the gateway wrote its module list' });
    return readFileSync(file, 'utf8').split('\n');
  };
  /** Names of the gateway's BullMQ connections (nitro:gateway:bullmq:<role>). */
  const bullmqConnections = async (): Promise<string[]> =>
    ((await redis.client('LIST')) as string).match(/name=nitro:gateway:bullmq:\S+/g) ?? [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-lazy-modules-'));
    s3 = await startLocalS3();
    p = await startPlatform({
      services: ['media'],
      env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      appEnv: {
        media: { PROCEDURAL_DELAY_MS: '50', GALLERY_SWEEP_INTERVAL_MS: '0' },
        gateway: {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
          LOADED_MODULES_FILE: join(dir, 'modules.txt'),
        },
      },
    });
    redis = new Redis(p.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has neither after sign-in, health and account requests, and no BullMQ connection', async () => {
    expect((await p.request('/health/ready')).status).toBe(200);
    expect((await p.request('/auth/me')).status).toBe(200);
    const modules = await loaded();
    expect(modules.some((m) => m.includes('/@nestjs/core/'))).toBe(true); // the list is real
    expect(modules.filter((m) => BULLMQ.test(m) || S3_SDK.test(m))).toEqual([]);
    expect(await bullmqConnections()).toEqual([]);
  });

  it('loads BullMQ for an image job (followed to done) and the S3 SDK for the download, which work as before', async () => {
    const res = await p.request('/generate-image', {
      method: 'POST',
      json: { prompt: 'a lighthouse', user_id: p.userId, settings: { width: 64, height: 64, seed: 1 } },
    });
    expect(res.status).toBe(202);
    const { events_url } = await res.json();
    const events = await readSse(await p.request(events_url));
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    let modules = await loaded();
    expect(modules.some((m) => BULLMQ.test(m))).toBe(true);
    expect((await bullmqConnections()).sort()).toEqual(['name=nitro:gateway:bullmq:events', 'name=nitro:gateway:bullmq:queue']);

    const download = await p.request(done.data.image_url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
    modules = await loaded();
    expect(modules.some((m) => S3_SDK.test(m))).toBe(true);
  });
});
