import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadConfig, MediaEnv } from '@nitro/config';
import type { GalleryRecord } from '@nitro/contracts';
import { galleryKeys, galleryRedisKeys, GalleryStore } from '@nitro/media-store';
import { startRedisCluster, waitFor, type RedisClusterHandle, type RedisServerHandle } from '@nitro/testing';
import { createRedisClient } from '@nitro/transport';
import { AUTH_KEYS } from '../../apps/gateway/src/auth/auth-keys.constants';
import { GallerySweepService } from '../../apps/media/src/gallery/gallery-sweep.service';
import { picture } from '../../apps/media/test/support/fake-vendor';
import { galleryStoreFor, listKeys, LocalS3, startLocalS3 } from '../../apps/media/test/support/local-s3';
import { metricSum, Platform, readSse, startPlatform } from '../support/platform';

/**
 * Image jobs, the gallery and scheduled tasks on a real Redis Cluster (issue 21, docs/adr/0009-redis-cluster.md):
 * six redis-server processes, gateway + media + two agents replicas as real processes, s3rver for the
 * gallery, the procedural image provider. Covered: an image job's progress as SSE through BullMQ's
 * hash-tagged prefix, the gallery (listing, download, thumbnail, another user's 404, the admin's download
 * by name, delete) with an owner's index and items on one node, the repair sweep over every primary
 * (scanKeys), and a task every second run once per tick by two agents replicas. Not covered here:
 * a primary killed under an image job or a schedule (redis-cluster.int-spec.ts kills one under chat).
 */
const STAGE_RANK: Record<string, number> = { queued: 0, generating: 1, storing: 2, done: 3 };

function handleFor(port: number): RedisServerHandle {
  return { port, url: `redis://127.0.0.1:${port}`, stop: async () => undefined, kill: () => undefined, restart: async () => undefined };
}

describe('images, gallery and scheduled tasks on Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: RedisClusterHandle;
  let s3: LocalS3;
  let p: Platform;
  let redis: Redis;
  let store: GalleryStore;

  beforeAll(async () => {
    [cluster, s3] = await Promise.all([startRedisCluster(), startLocalS3()]);
    p = await startPlatform({
      services: ['media', 'agents'],
      redis: handleFor(cluster.nodes[0].port),
      env: { REDIS_CLUSTER_NODES: cluster.seeds, ...s3.env, IMAGE_PROVIDERS: 'procedural' },
      appEnv: { media: { PROCEDURAL_DELAY_MS: '300', GALLERY_SWEEP_INTERVAL_MS: '0' }, agents: { LLM_TIMEOUT_MS: '2000' } },
    });
    await p.startApp('agents', 'agents-2');
    const nodes = cluster.seeds.split(',').map((s) => ({ host: s.split(':')[0], port: Number(s.split(':')[1]) }));
    redis = createRedisClient({ kind: 'cluster', nodes }, { name: 'nitro:test', maxRetriesPerRequest: 3 });
    store = galleryStoreFor(s3, redis);
  }, 240_000);
  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
    await Promise.all([cluster?.stop(), s3?.stop()]);
  });

  const uidOf = async (userId: string) => (await redis.hget(AUTH_KEYS.user(userId.toLowerCase()), 'uid'))!;
  const nodeOf = async (key: string) => (await cluster.primaryFor(key)).port;

  it('an image job reports progress to done; its gallery lists, downloads and deletes it; index and items share a node', async () => {
    const res = await p.request('/generate-image', {
      method: 'POST',
      json: { prompt: 'a harbour at night', user_id: p.userId, settings: { width: 128, height: 96, count: 2, seed: 3 } },
    });
    expect(res.status).toBe(202);
    const accepted = await res.json();
    const events = await readSse(await p.request(accepted.events_url, { signal: AbortSignal.timeout(30_000) } as RequestInit)).catch(
      async (err) => {
        const st = await (await p.request(accepted.status_url)).text();
        throw new Error(`events did not end (${err}); status: ${st.slice(0, 400)}`);
      },
    );
    const stages = events.map((e) => (e.event === 'done' ? 'done' : e.data.stage));
    expect(stages).toEqual(expect.arrayContaining(['generating', 'storing', 'done']));
    for (let i = 1; i < stages.length; i++) expect(STAGE_RANK[stages[i]]).toBeGreaterThanOrEqual(STAGE_RANK[stages[i - 1]]);
    const done = events.at(-1)!.data;
    const files = done.images.map((i: { filename: string }) => i.filename);
    expect(files).toEqual([`${accepted.job_id}-0.png`, `${accepted.job_id}-1.png`]);

    const listed = await (await p.request(`/gallery/${p.userId}`)).json();
    expect(listed).toMatchObject({ total: 2 });
    expect(listed.items.map((i: { filename: string }) => i.filename).sort()).toEqual(files);
    const png = await p.request(done.image_url);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    const thumb = await p.request(done.thumbnail_url);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp']);

    const uid = await uidOf(p.userId);
    const index = await nodeOf(galleryRedisKeys.ownerIndex(uid));
    for (const f of files) expect(await nodeOf(galleryRedisKeys.item(uid, f))).toBe(index);

    const other = await p.createUser('cluster-other');
    expect((await fetch(`${p.baseUrl}${done.image_url}`, { headers: other.headers })).status).toBe(404);
    expect((await fetch(`${p.baseUrl}${done.image_url}`, { headers: p.admin!.headers })).status).toBe(200);

    const del = await p.request(`/gallery/${p.userId}/${files[1]}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await p.request(`/gallery/download/${files[1]}`)).status).toBe(404);
    // Two slots: two single-key EXISTS (one EXISTS over both would be CROSSSLOT on a cluster).
    expect(await redis.exists(galleryRedisKeys.item(uid, files[1]))).toBe(0);
    expect(await redis.exists(galleryRedisKeys.ownerOf(files[1]))).toBe(0);
    expect((await (await p.request(`/gallery/${p.userId}`)).json()).total).toBe(1);
  }, 120_000);

  it('the repair sweep finds every owner on every primary (scanKeys): re-indexes, then drops what S3 lost', async () => {
    // Two owners whose galleries live on different primaries, so one node's SCAN could not see both.
    const ann = randomUUID();
    let bob = randomUUID();
    while ((await nodeOf(galleryRedisKeys.ownerIndex(bob))) === (await nodeOf(galleryRedisKeys.ownerIndex(ann)))) bob = randomUUID();
    const [png, webp] = await Promise.all([picture(64, 64), picture(32, 32, 'webp')]);
    const record = (owner: string): GalleryRecord => {
      const job = `img-${randomBytes(12).toString('hex')}`;
      const [w, h, bytes, created_at] = [64, 64, png.length, new Date().toISOString()];
      return {
        filename: `${job}-0.png`,
        user_id: 'x',
        owner_uid: owner,
        job_id: job,
        prompt: 'p',
        ai_model: 'm',
        ai_source: 'procedural',
        seed: 1,
        width: w,
        height: h,
        bytes,
        thumbnail_bytes: webp.length,
        content_type: 'image/png',
        created_at,
      };
    };
    const [a, b] = [record(ann), record(bob)];
    for (const r of [a, b]) {
      await store.save(r, png, webp);
      await store.index.remove(r.owner_uid, r.filename); // as if Redis lost the index
    }
    const sweeper = new GallerySweepService(
      store,
      redis,
      async () => false,
      loadConfig(MediaEnv, { GALLERY_SWEEP_GRACE_MS: '0', GALLERY_SWEEP_INTERVAL_MS: '0' }),
    );
    expect(await sweeper.sweep()).toMatchObject({ reindexed: 2, dangling: 0 });
    expect((await store.page(ann, 0, 10)).records).toEqual([a]);
    expect(await store.find(b.filename)).toEqual(b);

    await store.objects.delete([a, b].map((r) => galleryKeys.meta(r.owner_uid, r.filename)));
    expect(await sweeper.sweep()).toMatchObject({ dangling: 2 });
    expect([(await store.page(ann, 0, 10)).total, (await store.page(bob, 0, 10)).total]).toEqual([0, 0]);
    expect((await listKeys(store)).filter((k) => k.includes(ann) || k.includes(bob))).toEqual([]);
  }, 60_000);

  it('a task every second runs once per tick across two agents replicas', async () => {
    const metric = (proc: string, name: string) => metricSum(p, proc, name);
    const code = { task: 'analyze_code', data: { code: 'print(1)\n', language: 'python' } };
    const res = await p.request(`/agent/tasks/${p.userId}`, { method: 'POST', json: { name: 'tick', cron: '* * * * * *', ...code } });
    expect(res.status).toBe(201);
    const { task_id } = await res.json();
    const runs = async (): Promise<{ tick_at: string; status: string; replica: string }[]> =>
      (await (await p.request(`/agent/tasks/${p.userId}/${task_id}/runs`)).json()).runs;
    const got = await waitFor(async () => ((await runs()).length >= 8 ? runs() : null), {
      timeoutMs: 40_000,
      intervalMs: 250,
      description: '8 runs of the task',
    });
    const ticks = got.map((r) => r.tick_at);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(got.every((r) => r.status === 'ok')).toBe(true);
    for (const name of ['agents', 'agents-2']) expect(await metric(name, 'nitro_agents_duplicate_ticks_total')).toBe(0);
    const perReplica = await Promise.all(['agents', 'agents-2'].map((n) => metric(n, 'nitro_agents_scheduled_runs_total')));
    expect(perReplica[0] + perReplica[1]).toBeGreaterThanOrEqual(got.length);
    expect((await p.request(`/agent/tasks/${p.userId}/${task_id}`, { method: 'DELETE' })).status).toBe(200);
  }, 90_000);
});
