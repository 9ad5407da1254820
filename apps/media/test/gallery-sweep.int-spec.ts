import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, MediaEnv } from '@nitro/config';
import type { GalleryRecord } from '@nitro/contracts';
import { galleryKeys, galleryRedisKeys, GalleryStore } from '@nitro/media-store';
import { RedisServerHandle, startRedisServer } from '@nitro/testing';
import { GallerySweepService } from '../src/gallery/gallery-sweep.service';
import { picture } from './support/fake-vendor';
import { galleryStoreFor, listKeys, LocalS3, startLocalS3 } from './support/local-s3';

/**
 * The repair sweep against a real s3rver and Redis: every state a crash can leave between the
 * steps of a save or a delete, and what the sweep makes of it.
 */
describe('gallery repair sweep (real s3rver + Redis)', () => {
  let redisServer: RedisServerHandle;
  let redis: Redis;
  let s3: LocalS3;
  let store: GalleryStore;
  let live = new Set<string>();
  let png: Buffer;
  let webp: Buffer;
  const sweeper = (grace = '0') =>
    new GallerySweepService(
      store,
      redis,
      async (id) => live.has(id),
      loadConfig(MediaEnv, { GALLERY_SWEEP_GRACE_MS: grace, GALLERY_SWEEP_INTERVAL_MS: '0' }),
    );

  beforeAll(async () => {
    [redisServer, s3] = await Promise.all([startRedisServer(), startLocalS3()]);
    redis = new Redis(redisServer.url);
    store = galleryStoreFor(s3, redis);
    [png, webp] = await Promise.all([picture(64, 64), picture(32, 32, 'webp')]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([s3?.stop(), redisServer?.stop()]);
  });
  beforeEach(async () => {
    live = new Set();
    await redis.flushall();
    const keys = await listKeys(store);
    if (keys.length) await store.objects.delete(keys);
  });

  const record = (user = 'ann'): GalleryRecord => {
    const job = `img-${randomBytes(12).toString('hex')}`;
    return {
      filename: `${job}-0.png`,
      user_id: user,
      job_id: job,
      prompt: 'p',
      ai_model: 'procedural-v1 (not an AI model)',
      ai_source: 'procedural',
      seed: 1,
      width: 64,
      height: 64,
      bytes: png.length,
      thumbnail_bytes: webp.length,
      content_type: 'image/png',
      created_at: new Date().toISOString(),
    };
  };
  const keysOf = (r: GalleryRecord) => [
    galleryKeys.image(r.user_id, r.filename),
    galleryKeys.meta(r.user_id, r.filename),
    galleryKeys.thumbnail(r.user_id, r.filename),
  ];
  const putMeta = (r: GalleryRecord) =>
    store.objects.put(galleryKeys.meta(r.user_id, r.filename), Buffer.from(JSON.stringify(r)), 'application/json');

  it('leaves a healthy gallery alone (and a second sweep finds nothing)', async () => {
    const r = record();
    await store.save(r, png, webp);
    for (let i = 0; i < 2; i++) expect(await sweeper().sweep()).toEqual({ reindexed: 0, dangling: 0, strays: 0, broken: 0, members: 0 });
    expect((await store.page('ann', 0, 10)).records).toEqual([r]);
    expect(await listKeys(store)).toEqual(keysOf(r).sort());
  });

  it('crash after the metadata, before the index: the item is indexed again from its metadata', async () => {
    const r = record();
    await store.save(r, png, webp);
    await store.index.remove(r.user_id, r.filename);
    expect((await sweeper().sweep()).reindexed).toBe(1);
    expect((await store.page('ann', 0, 10)).records).toEqual([r]);
  });

  it.each([
    ['crash after the PNG', ['image']],
    ['crash after the PNG and thumbnail, before the metadata', ['image', 'thumbnail']],
  ])('%s: the stray objects are deleted once past the grace period', async (_what, parts) => {
    const r = record();
    if (parts.includes('image')) await store.objects.put(galleryKeys.image(r.user_id, r.filename), png, 'image/png');
    if (parts.includes('thumbnail')) await store.objects.put(galleryKeys.thumbnail(r.user_id, r.filename), webp, 'image/webp');
    expect((await sweeper('3600000').sweep()).strays).toBe(0);
    live.add(r.job_id);
    expect((await sweeper().sweep()).strays).toBe(0);
    expect(await listKeys(store)).toHaveLength(parts.length);
    live.clear();
    expect((await sweeper().sweep()).strays).toBe(1);
    expect(await listKeys(store)).toEqual([]);
  });

  it('crash during a delete, after the metadata went: index entry and objects are removed', async () => {
    const r = record();
    await store.save(r, png, webp);
    await store.objects.delete([galleryKeys.meta(r.user_id, r.filename)]);
    expect((await sweeper().sweep()).dangling).toBe(1);
    expect(await listKeys(store)).toEqual([]);
    expect(await store.index.get(r.filename)).toBeNull();
    expect(await redis.zcard(galleryRedisKeys.userIndex('ann'))).toBe(0);
  });

  it('crash during a delete, after every object went: the index entry is removed', async () => {
    const r = record();
    await store.save(r, png, webp);
    await store.objects.delete(keysOf(r));
    expect((await sweeper().sweep()).dangling).toBe(1);
    expect((await store.page('ann', 0, 10)).total).toBe(0);
  });

  it('a sorted-set member without its record is dropped', async () => {
    const r = record();
    await redis.zadd(galleryRedisKeys.userIndex('ann'), Date.now(), r.filename);
    expect((await sweeper().sweep()).members).toBe(1);
    expect(await redis.zcard(galleryRedisKeys.userIndex('ann'))).toBe(0);
  });

  it('metadata whose thumbnail was lost: the item is removed entirely (never listed half-there)', async () => {
    const r = record();
    await store.objects.put(galleryKeys.image(r.user_id, r.filename), png, 'image/png');
    await putMeta(r);
    await store.index.add(r);
    expect((await sweeper().sweep()).broken).toBe(1);
    expect(await listKeys(store)).toEqual([]);
    expect(await store.index.get(r.filename)).toBeNull();
  });

  it('ignores objects it did not write, and works per user', async () => {
    const [a, b] = [record('ann'), record('bob')];
    await store.save(a, png, webp);
    await store.save(b, png, webp);
    await store.index.remove(b.user_id, b.filename);
    await store.objects.put('users/ann/notes.txt', Buffer.from('hi'), 'text/plain');
    expect(await sweeper().sweep()).toMatchObject({ reindexed: 1, strays: 0, broken: 0 });
    expect((await store.page('bob', 0, 10)).records).toEqual([b]);
    expect(await listKeys(store)).toContain('users/ann/notes.txt');
  });

  it('only one replica sweeps at a time (Redis lock)', async () => {
    const [one, two] = await Promise.all([sweeper().runLocked(), sweeper().runLocked()]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
  });
});
