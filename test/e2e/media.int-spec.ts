import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { MEDIA_QUEUE_PREFIX, MediaQueue, USER_UID_PATTERN } from '@nitro/contracts';
import { galleryKeys, galleryRedisKeys } from '@nitro/media-store';
import { AUTH_KEYS } from '../../apps/gateway/src/auth/auth-keys.constants';
import { renderProcedural } from '../../apps/media/src/providers/procedural.image-provider';
import { listKeys, LocalS3, readAll, startLocalS3, galleryStoreFor } from '../../apps/media/test/support/local-s3';
import { waitFor } from '@nitro/testing';
import { Platform, readSse, startPlatform, TestUser } from '../support/platform';

const STAGE_RANK: Record<string, number> = { queued: 0, generating: 1, storing: 2, done: 3 };

/** The account's internal uid, as sign-up stored it (the gallery is keyed by it, not by the username). */
async function uidOf(redis: Redis, userId: string): Promise<string> {
  const uid = await redis.hget(AUTH_KEYS.user(userId.toLowerCase()), 'uid');
  if (!uid) throw new Error(`no uid stored for ${userId}`);
  return uid;
}

/**
 * Images end to end: gateway and media as separate processes, a real Redis, a real s3rver, the
 * procedural provider. Jobs go through BullMQ; downloads stream from S3 through the gateway.
 */
describe('images and gallery end to end (gateway + media + s3rver)', () => {
  let p: Platform;
  let s3: LocalS3;
  let redis: Redis;
  let other: TestUser;
  let uid: string;
  const generate = (body: unknown, query = '') => p.request(`/generate-image${query}`, { method: 'POST', json: body });
  const store = () => galleryStoreFor(s3, redis);

  beforeAll(async () => {
    s3 = await startLocalS3();
    p = await startPlatform({
      services: ['media'],
      env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      appEnv: { media: { PROCEDURAL_DELAY_MS: '300', GALLERY_SWEEP_INTERVAL_MS: '0' } },
    });
    redis = new Redis(p.redis.url);
    other = await p.createUser('other-artist');
    uid = await uidOf(redis, p.userId);
  });
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
    await s3?.stop();
  });

  it('202 with job URLs; events in order to done; PNG, thumbnail and metadata stored; listed; download byte-identical', async () => {
    const res = await generate({
      prompt: 'a lighthouse on a cliff at dusk',
      user_id: p.userId,
      settings: { width: 256, height: 192, count: 2, seed: 7 },
    });
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(accepted).toEqual({
      job_id: expect.stringMatching(/^img-[0-9a-f]{24}$/),
      status: 'queued',
      status_url: `/images/jobs/${accepted.job_id}`,
      events_url: `/images/jobs/${accepted.job_id}/events`,
    });

    const events = await readSse(await p.request(accepted.events_url));
    const stages = events.map((e) => (e.event === 'done' ? 'done' : e.data.stage));
    expect(stages.at(-1)).toBe('done');
    expect(stages).toEqual(expect.arrayContaining(['generating', 'storing', 'done']));
    for (let i = 1; i < stages.length; i++) expect(STAGE_RANK[stages[i]]).toBeGreaterThanOrEqual(STAGE_RANK[stages[i - 1]]);
    const percents = events.filter((e) => e.data.stage === 'generating').map((e) => e.data.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const done = events.at(-1)!.data;
    expect(done).toMatchObject({
      job_id: accepted.job_id,
      ai_source: 'procedural',
      ai_model: 'procedural-v1 (not an AI model)',
      seed: 7,
      prompt: 'a lighthouse on a cliff at dusk',
    });
    expect(done.images.map((i: { filename: string }) => i.filename)).toEqual([`${accepted.job_id}-0.png`, `${accepted.job_id}-1.png`]);
    expect(done.image_url).toBe(`/gallery/download/${accepted.job_id}-0.png`);

    const keys = await listKeys(store());
    for (const f of [`${accepted.job_id}-0.png`, `${accepted.job_id}-1.png`]) {
      for (const key of [galleryKeys.image(uid, f), galleryKeys.thumbnail(uid, f), galleryKeys.meta(uid, f)]) expect(keys).toContain(key);
    }

    const download = await p.request(done.image_url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(Number(download.headers.get('content-length'))).toBe(bytes.length);
    const stored = await readAll(
      (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: galleryKeys.image(uid, done.filename) })))
        .Body as NodeJS.ReadableStream,
    );
    expect(bytes.equals(stored)).toBe(true);
    // Deterministic: the same prompt and seed draw the same picture here, in the test process.
    expect(bytes.equals(await renderProcedural('a lighthouse on a cliff at dusk', 7, 256, 192))).toBe(true);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 256, height: 192 });

    const thumb = await p.request(done.thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(256);

    const gallery = await (await p.request(`/gallery/${p.userId}?limit=10`)).json();
    expect(gallery.items.map((i: { filename: string }) => i.filename)).toEqual(
      expect.arrayContaining(done.images.map((i: { filename: string }) => i.filename)),
    );
    expect(gallery.items[0]).toMatchObject({
      url: expect.stringMatching(/^\/gallery\/download\//),
      thumbnail_url: expect.stringMatching(/variant=thumbnail$/),
      ai_source: 'procedural',
    });
  });

  it('a late subscriber gets the final state at once; the status URL reports done with the images', async () => {
    const { job_id, events_url, status_url } = await (
      await generate({ prompt: 'late', user_id: p.userId, settings: { width: 64, height: 64 } })
    ).json();
    await readSse(await p.request(events_url));
    const late = await readSse(await p.request(events_url));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ event: 'done', data: { job_id, ai_source: 'procedural' } });
    const status = await (await p.request(status_url)).json();
    expect(status).toMatchObject({ job_id, stage: 'done', percent: 100, result: { image_url: `/gallery/download/${job_id}-0.png` } });
  });

  it('wait=true answers 200 like the seed (image_url) once the picture is stored', async () => {
    const res = await generate(
      { prompt: 'waiting for it', user_id: p.userId, settings: { width: 128, height: 128, seed: 1 } },
      '?wait=true',
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      image_url: expect.stringMatching(/^\/gallery\/download\/img-[0-9a-f]{24}-0\.png$/),
      ai_source: 'procedural',
      seed: 1,
    });
    expect((await p.request(body.image_url)).status).toBe(200);
  });

  it("another user's job and images are 404; their gallery is 403", async () => {
    const { job_id } = await (
      await generate({ prompt: 'mine', user_id: p.userId, settings: { width: 64, height: 64 } }, '?wait=true')
    ).json();
    const as = (path: string, init: RequestInit = {}) => fetch(`${p.baseUrl}${path}`, { ...init, headers: other.headers });
    expect((await as(`/images/jobs/${job_id}`)).status).toBe(404);
    expect((await as(`/images/jobs/${job_id}/events`)).status).toBe(404);
    expect((await as(`/gallery/download/${job_id}-0.png`)).status).toBe(404);
    expect((await as(`/gallery/${p.userId}`)).status).toBe(403);
    expect((await as(`/gallery/${other.id}/${job_id}-0.png`, { method: 'DELETE' })).status).toBe(404);
    expect((await p.request(`/gallery/download/${job_id}-0.png`)).status).toBe(200);
  });

  it.each([
    ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd'],
    ['an absolute path', '%2Fetc%2Fpasswd'],
    ['a well-formed name nobody issued', 'img-000000000000000000000000-0.png'],
    ['a name with a different extension', 'img-000000000000000000000000-0.json'],
  ])('download of %s is 404, never a file read', async (_what, name) => {
    const res = await p.request(`/gallery/download/${name}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBe('NOT_FOUND');
  });

  it.each([
    ['empty prompt', { prompt: '' }, /prompt must not be empty/],
    ['blank prompt', { prompt: '   ' }, /prompt must contain visible text/],
    ['prompt over 2000 characters', { prompt: 'x'.repeat(2001) }, /prompt must be at most 2000 characters/],
    ['width below 64', { settings: { width: 32 } }, /settings\.width must not be less than 64/],
    ['height above 1536', { settings: { height: 2048 } }, /settings\.height must not be greater than 1536/],
    ['width not a multiple of 8', { settings: { width: 100 } }, /settings\.width must be divisible by 8/],
    ['count 0', { settings: { count: 0 } }, /settings\.count must not be less than 1/],
    ['count 9', { settings: { count: 9 } }, /settings\.count must not be greater than 4/],
    ['unknown provider', { settings: { provider: 'midjourney' } }, /settings\.provider must be one of/],
    ['unknown style', { settings: { style_preset: 'vaporwave' } }, /settings\.style_preset must be one of/],
    ['negative seed', { settings: { seed: -1 } }, /settings\.seed must not be less than 0/],
    ['malformed user_id', { user_id: '../x' }, /user_id must be 1-64 characters/],
    ['unknown field', { colour: 'red' }, /property colour should not exist/],
  ])('%s -> 400 naming the field', async (_what, patch, message) => {
    const res = await generate({ prompt: 'ok', user_id: p.userId, ...patch });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(message);
  });

  it.each([
    ['/images/jobs/not-a-job', /id must be an image job id/],
    ['/images/jobs/img-XYZ/events', /id must be an image job id/],
    ['/gallery/tester?limit=500', /limit must not be greater than 100/],
    ['/gallery/tester?offset=-1', /offset must not be less than 0/],
    ['/gallery/download/img-000000000000000000000000-0.png?variant=huge', /variant must be original or thumbnail/],
  ])('GET %s -> 400 naming the field', async (path, message) => {
    const res = await p.request(path.replace('tester', p.userId));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(message);
  });

  it('DELETE removes the PNG, thumbnail, metadata and index entry', async () => {
    const { filename } = await (
      await generate({ prompt: 'short-lived', user_id: p.userId, settings: { width: 64, height: 64 } }, '?wait=true')
    ).json();
    const res = await p.request(`/gallery/${p.userId}/${filename}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ filename, deleted: true });
    const keys = await listKeys(store());
    expect(keys.filter((k) => k.includes(filename.replace('.png', '')))).toEqual([]);
    expect(await redis.exists(galleryRedisKeys.item(uid, filename))).toBe(0);
    expect(await redis.exists(galleryRedisKeys.ownerOf(filename))).toBe(0);
    expect(await redis.zscore(galleryRedisKeys.ownerIndex(uid), filename)).toBeNull();
    expect((await p.request(`/gallery/download/${filename}`)).status).toBe(404);
    expect((await p.request(`/gallery/${p.userId}/${filename}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('the gallery pages newest first', async () => {
    const page1 = await (await p.request(`/gallery/${p.userId}?limit=2`)).json();
    const page2 = await (await p.request(`/gallery/${p.userId}?offset=2&limit=2`)).json();
    expect(page1).toMatchObject({ offset: 0, limit: 2, next_offset: 2 });
    const all = [...page1.items, ...page2.items].map((i: { created_at: string }) => Date.parse(i.created_at));
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(page1.total).toBeGreaterThanOrEqual(4);
  });

  it('lists providers: procedural available and not AI, the others say what to configure', async () => {
    const list = await (await p.request('/images/providers')).json();
    expect(list.find((x: { name: string }) => x.name === 'procedural')).toMatchObject({ available: true, ai: false, in_order: true });
    expect(list.find((x: { name: string }) => x.name === 'stability')).toMatchObject({
      available: false,
      reason: expect.stringMatching(/STABILITY_API_KEY/),
    });
  });

  it('back-pressure: with more jobs waiting than IMAGE_MAX_WAITING_JOBS, 429 with Retry-After; accepted again once they drain', async () => {
    const queue = new Queue(MediaQueue.images, {
      connection: new Redis(p.redis.url, { maxRetriesPerRequest: null }),
      prefix: MEDIA_QUEUE_PREFIX,
    });
    await queue.pause();
    try {
      const gw = await p.startApp('gateway', 'gateway-small-queue', { IMAGE_MAX_WAITING_JOBS: '2', IMAGE_RETRY_AFTER_S: '7' });
      const url = `http://127.0.0.1:${(gw as unknown as { port: number }).port}`;
      const post = () =>
        fetch(`${url}/generate-image`, {
          method: 'POST',
          headers: { ...p.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: 'queued', user_id: p.userId, settings: { width: 64, height: 64 } }),
        });
      expect((await post()).status).toBe(202);
      expect((await post()).status).toBe(202);
      const full = await post();
      expect(full.status).toBe(429);
      expect(full.headers.get('retry-after')).toBe('7');
      expect((await full.json()).error).toBe('QUEUE_FULL');
      await queue.resume();
      await waitUntil(async () => (await queue.getWaitingCount()) === 0);
      expect((await post()).status).toBe(202);
    } finally {
      await queue.resume();
      await queue.close();
      (queue.opts.connection as Redis).disconnect();
    }
  });

  // Last: it stops the S3 server.
  it('S3 down: a download is 503 naming the storage (never 500), listing still works, new jobs are still accepted', async () => {
    const { filename } = await (
      await generate({ prompt: 'before the outage', user_id: p.userId, settings: { width: 64, height: 64 } }, '?wait=true')
    ).json();
    s3.proc.kill('SIGKILL');
    await s3.proc.exited;
    const res = await p.request(`/gallery/download/${filename}`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'STORAGE_UNAVAILABLE', message: expect.stringMatching(/S3/) });
    expect((await p.request(`/gallery/${p.userId}`)).status).toBe(200);
    expect((await generate({ prompt: 'during the outage', user_id: p.userId, settings: { width: 64, height: 64 } })).status).toBe(202);
  });
});

/**
 * Issue 14, item 11: the gallery is keyed by the account's immutable uid. Redis loses its data (accounts,
 * gallery index, everything); a new account takes an old username; the repair sweep rebuilds the index
 * from the objects by uid, so the old images come back under the old uid and the newcomer sees none of them.
 */
describe('after Redis loses its data, a new account with an old username inherits no images (gateway + media + s3rver)', () => {
  let p: Platform;
  let s3: LocalS3;
  let redis: Redis;

  beforeAll(async () => {
    s3 = await startLocalS3();
    p = await startPlatform({
      services: ['media'],
      env: { ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      // The sweep runs every 500 ms; its lock (60 s) goes with the data, so the first sweep after the wipe is immediate.
      appEnv: { media: { PROCEDURAL_DELAY_MS: '20', GALLERY_SWEEP_INTERVAL_MS: '500' } },
    });
    redis = new Redis(p.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
    await s3?.stop();
  });
  const as =
    (u: TestUser) =>
    (path: string, init: RequestInit & { json?: unknown } = {}) =>
      fetch(`${p.baseUrl}${path}`, {
        ...init,
        headers: { ...u.headers, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });

  it('FLUSHDB, a new "alice" signs up, the sweep re-indexes: her gallery is empty and the old images are 404 to her', async () => {
    const oldAlice = await p.createUser('alice');
    const made = await as(oldAlice)('/generate-image?wait=true', {
      method: 'POST',
      json: { prompt: 'the old alice drew this', user_id: 'alice', settings: { width: 64, height: 64 } },
    });
    expect(made.status).toBe(200);
    const { filename } = await made.json();
    const oldUid = await uidOf(redis, 'alice');
    expect((await listKeys(galleryStoreFor(s3, redis))).filter((k) => k.includes(filename.replace('.png', '')))).toEqual(
      [galleryKeys.image(oldUid, filename), galleryKeys.meta(oldUid, filename), galleryKeys.thumbnail(oldUid, filename)].sort(),
    );

    // Redis loses its data: accounts, sessions, the gallery index, the sweep lock.
    await redis.flushdb();
    const admin = await p.createUser('operator'); // the first account again (from loopback): the admin
    const newAlice = await p.createUser('alice');
    expect([admin.role, newAlice.role]).toEqual(['admin', 'user']);
    const newUid = await uidOf(redis, 'alice');
    expect(newUid).not.toBe(oldUid);

    // The repair sweep rebuilds the index from the objects, under the uid in their keys.
    await waitFor(async () => (await redis.exists(galleryRedisKeys.item(oldUid, filename))) === 1, {
      timeoutMs: 20_000,
      description: 'the sweep re-indexed the old image',
    });
    expect(JSON.parse((await redis.get(galleryRedisKeys.item(oldUid, filename)))!)).toMatchObject({ owner_uid: oldUid, user_id: 'alice' });
    expect(await redis.zcard(galleryRedisKeys.ownerIndex(oldUid))).toBe(1);
    await waitFor(async () => (await redis.get(galleryRedisKeys.ownerOf(filename))) === oldUid, {
      description: 'the owner pointer is back',
    });
    expect(await redis.exists(galleryRedisKeys.ownerIndex(newUid))).toBe(0);

    const gallery = await as(newAlice)('/gallery/alice');
    expect(gallery.status).toBe(200);
    expect(await gallery.json()).toMatchObject({ user_id: 'alice', items: [], total: 0 });
    expect((await as(newAlice)(`/gallery/download/${filename}`)).status).toBe(404);
    expect((await as(newAlice)(`/gallery/download/${filename}?variant=thumbnail`)).status).toBe(404);
    expect((await as(newAlice)(`/gallery/alice/${filename}`, { method: 'DELETE' })).status).toBe(404);

    // Her own new image is hers alone; nothing stored was lost (the admin still reaches the old one).
    const mine = await as(newAlice)('/generate-image?wait=true', {
      method: 'POST',
      json: { prompt: 'the new alice drew this', user_id: 'alice', settings: { width: 64, height: 64 } },
    });
    expect(mine.status).toBe(200);
    const listed = await (await as(newAlice)('/gallery/alice')).json();
    expect(listed.items.map((i: { filename: string }) => i.filename)).toEqual([(await mine.json()).filename]);
    expect((await as(admin)(`/gallery/download/${filename}`)).status).toBe(200);
  });

  it('an account stored before uids gets one on first use, and keeps it', async () => {
    const u = await p.createUser('before-uids');
    await redis.hdel(AUTH_KEYS.user('before-uids'), 'uid');
    expect((await as(u)('/gallery/before-uids')).status).toBe(200);
    const uid = await uidOf(redis, 'before-uids');
    expect(uid).toMatch(USER_UID_PATTERN);
    expect((await as(u)('/gallery/before-uids')).status).toBe(200);
    expect(await uidOf(redis, 'before-uids')).toBe(uid);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
