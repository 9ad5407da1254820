import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MEDIA_QUEUE_PREFIX, MediaQueue } from '@nitro/contracts';
import { galleryKeys, parseGalleryKey } from '@nitro/media-store';
import { waitFor } from '@nitro/testing';
import { AUTH_KEYS } from '../../apps/gateway/src/auth/auth-keys.constants';
import { galleryStoreFor, listKeys, LocalS3, startLocalS3 } from '../../apps/media/test/support/local-s3';
import { Platform, readSse, startPlatform } from '../support/platform';

/**
 * A media worker killed with SIGKILL in the middle of a job: BullMQ's stalled check hands the job
 * to another media process, which completes it; S3 and the index hold complete images only.
 * The procedural provider is slowed down (PROCEDURAL_DELAY_MS) so the kill lands mid-generation.
 */
describe('image job survives its worker being killed (gateway + two media processes + s3rver)', () => {
  let p: Platform;
  let s3: LocalS3;
  let redis: Redis;
  const slow = { PROCEDURAL_DELAY_MS: '2500', JOB_LOCK_MS: '2000', JOB_STALLED_CHECK_MS: '1000', GALLERY_SWEEP_INTERVAL_MS: '0' };

  beforeAll(async () => {
    s3 = await startLocalS3();
    p = await startPlatform({ services: ['media'], env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' }, appEnv: { media: slow } });
    redis = new Redis(p.redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
    await s3?.stop();
  });

  it('SIGKILL mid-job: another media process completes it, nothing is left half-stored', async () => {
    const first = p.procs.get('media')!;
    const res = await p.request('/generate-image', {
      method: 'POST',
      json: { prompt: 'a phoenix', user_id: p.userId, settings: { width: 128, height: 128, count: 2, seed: 3 } },
    });
    expect(res.status).toBe(202);
    const { job_id, status_url, events_url } = await res.json();
    await waitFor(async () => (await (await p.request(status_url)).json()).stage === 'generating', {
      timeoutMs: 15_000,
      description: 'the first worker took the job',
    });

    const second = await p.startApp('media', 'media-b', slow);
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const events = await readSse(await p.request(events_url));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { job_id, ai_source: 'procedural' } });

    const queue = new Queue(MediaQueue.images, { connection: redis, prefix: MEDIA_QUEUE_PREFIX });
    const job = (await queue.getJob(job_id))!;
    expect(job.processedBy).toBe(`media-${second.pid}`);
    await queue.close();

    // Every object belongs to a complete image (PNG + thumbnail + metadata), and each is indexed.
    const store = galleryStoreFor(s3, redis);
    const uid = (await redis.hget(AUTH_KEYS.user(p.userId.toLowerCase()), 'uid'))!;
    const byFile = new Map<string, Set<string>>();
    for (const key of await listKeys(store)) {
      const parsed = parseGalleryKey(key)!;
      byFile.set(parsed.filename, (byFile.get(parsed.filename) ?? new Set()).add(parsed.kind));
    }
    expect([...byFile.keys()].sort()).toEqual([`${job_id}-0.png`, `${job_id}-1.png`]);
    for (const [filename, kinds] of byFile) {
      expect([...kinds].sort()).toEqual(['image', 'meta', 'thumbnail']);
      expect(await store.index.get(uid, filename)).toMatchObject({ filename, user_id: p.userId, owner_uid: uid });
      expect(await store.objects.exists(galleryKeys.image(uid, filename))).toBe(true);
    }
    const listed = await (await p.request(`/gallery/${p.userId}`)).json();
    expect(listed.total).toBe(2);
  });
});
