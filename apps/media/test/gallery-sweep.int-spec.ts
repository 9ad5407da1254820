import { randomBytes, randomUUID } from 'node:crypto';
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

  /** Owners by uid, as accounts have them (the username is only informational in a record). */
  const ANN = randomUUID();
  const BOB = randomUUID();
  const record = (owner = ANN, user = owner === BOB ? 'bob' : 'ann'): GalleryRecord => {
    const job = `img-${randomBytes(12).toString('hex')}`;
    return {
      filename: `${job}-0.png`,
      user_id: user,
      owner_uid: owner,
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
    galleryKeys.image(r.owner_uid, r.filename),
    galleryKeys.meta(r.owner_uid, r.filename),
    galleryKeys.thumbnail(r.owner_uid, r.filename),
  ];
  const putMeta = (r: GalleryRecord) =>
    store.objects.put(galleryKeys.meta(r.owner_uid, r.filename), Buffer.from(JSON.stringify(r)), 'application/json');

  it('leaves a healthy gallery alone (and a second sweep finds nothing)', async () => {
    const r = record();
    await store.save(r, png, webp);
    for (let i = 0; i < 2; i++) expect(await sweeper().sweep()).toEqual({ reindexed: 0, dangling: 0, strays: 0, broken: 0, members: 0 });
    expect((await store.page(ANN, 0, 10)).records).toEqual([r]);
    expect(await listKeys(store)).toEqual(keysOf(r).sort());
  });

  it('crash after the metadata, before the index: the item is indexed again from its metadata', async () => {
    const r = record();
    await store.save(r, png, webp);
    await store.index.remove(r.owner_uid, r.filename);
    expect((await sweeper().sweep()).reindexed).toBe(1);
    expect((await store.page(ANN, 0, 10)).records).toEqual([r]);
  });

  it("crash between the owner's record and the file's owner pointer: the pointer is written again", async () => {
    const r = record();
    await store.save(r, png, webp);
    await redis.del(galleryRedisKeys.ownerOf(r.filename));
    expect(await store.find(r.filename)).toBeNull(); // by name alone (an admin's download) it is not found…
    expect(await store.find(r.filename, ANN)).toEqual(r); // …its owner still finds it
    expect((await sweeper().sweep()).reindexed).toBe(1);
    expect(await store.find(r.filename)).toEqual(r);
    expect(await store.find(r.filename, BOB)).toBeNull();
  });

  it.each([
    ['crash after the PNG', ['image']],
    ['crash after the PNG and thumbnail, before the metadata', ['image', 'thumbnail']],
  ])('%s: the stray objects are deleted once past the grace period', async (_what, parts) => {
    const r = record();
    if (parts.includes('image')) await store.objects.put(galleryKeys.image(r.owner_uid, r.filename), png, 'image/png');
    if (parts.includes('thumbnail')) await store.objects.put(galleryKeys.thumbnail(r.owner_uid, r.filename), webp, 'image/webp');
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
    await store.objects.delete([galleryKeys.meta(r.owner_uid, r.filename)]);
    expect((await sweeper().sweep()).dangling).toBe(1);
    expect(await listKeys(store)).toEqual([]);
    expect(await store.index.get(r.owner_uid, r.filename)).toBeNull();
    expect(await redis.zcard(galleryRedisKeys.ownerIndex(ANN))).toBe(0);
  });

  it('crash during a delete, after every object went: the index entry is removed', async () => {
    const r = record();
    await store.save(r, png, webp);
    await store.objects.delete(keysOf(r));
    expect((await sweeper().sweep()).dangling).toBe(1);
    expect((await store.page(ANN, 0, 10)).total).toBe(0);
  });

  it('a sorted-set member without its record is dropped', async () => {
    const r = record();
    await redis.zadd(galleryRedisKeys.ownerIndex(ANN), Date.now(), r.filename);
    expect((await sweeper().sweep()).members).toBe(1);
    expect(await redis.zcard(galleryRedisKeys.ownerIndex(ANN))).toBe(0);
  });

  it('metadata whose thumbnail was lost: the item is removed entirely (never listed half-there)', async () => {
    const r = record();
    await store.objects.put(galleryKeys.image(r.owner_uid, r.filename), png, 'image/png');
    await putMeta(r);
    await store.index.add(r);
    expect((await sweeper().sweep()).broken).toBe(1);
    expect(await listKeys(store)).toEqual([]);
    expect(await store.index.get(r.owner_uid, r.filename)).toBeNull();
  });

  it('ignores objects it did not write, and works per user', async () => {
    const [a, b] = [record(ANN), record(BOB)];
    await store.save(a, png, webp);
    await store.save(b, png, webp);
    await store.index.remove(b.owner_uid, b.filename);
    await store.objects.put(`users/${ANN}/notes.txt`, Buffer.from('hi'), 'text/plain');
    // Objects under a username (the layout before uids) are not ours to index or delete.
    const legacy = `users/ann/images/${a.filename}`;
    await store.objects.put(legacy, png, 'image/png');
    expect(await sweeper().sweep()).toMatchObject({ reindexed: 1, strays: 0, broken: 0 });
    expect((await store.page(BOB, 0, 10)).records).toEqual([b]);
    expect(await listKeys(store)).toEqual(expect.arrayContaining([`users/${ANN}/notes.txt`, legacy]));
  });

  it('Redis lost its data, then a new account took the username: everything is re-indexed under the old uid only', async () => {
    const old = record(ANN, 'alice');
    await store.save(old, png, webp);
    await redis.flushall();
    const newcomer = randomUUID(); // a new "alice" signs up: new account, new uid
    expect((await sweeper().sweep()).reindexed).toBe(1);
    expect((await store.page(ANN, 0, 10)).records).toEqual([old]);
    expect((await store.page(newcomer, 0, 10)).total).toBe(0);
    expect(await store.index.get(ANN, old.filename)).toMatchObject({ owner_uid: ANN, user_id: 'alice' });
  });

  it('metadata whose owner_uid is not the uid in its key is never indexed (under either owner)', async () => {
    const r = record(ANN);
    await store.save(r, png, webp);
    await redis.flushall();
    const forged = Buffer.from(JSON.stringify({ ...r, owner_uid: BOB }));
    await store.objects.put(galleryKeys.meta(ANN, r.filename), forged, 'application/json'); // users/<ANN>/meta/… claims BOB
    expect((await sweeper().sweep()).reindexed).toBe(0);
    expect(await store.index.get(r.owner_uid, r.filename)).toBeNull();
    expect(await store.index.get(BOB, r.filename)).toBeNull();
    expect(await store.index.ownerOf(r.filename)).toBeNull();
    expect((await store.page(BOB, 0, 10)).total).toBe(0);
  });

  it('only one replica sweeps at a time (Redis lock)', async () => {
    const [one, two] = await Promise.all([sweeper().runLocked(), sweeper().runLocked()]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
  });
});
