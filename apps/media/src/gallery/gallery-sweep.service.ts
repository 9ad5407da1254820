import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MediaEnv } from '@nitro/config';
import type { GalleryRecord } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { GALLERY_STORE, galleryKeys, galleryRedisKeys, GalleryStore, jobIdOf, parseGalleryKey } from '@nitro/media-store';
import { imageMetrics } from '../media.metrics';

export interface SweepReport {
  reindexed: number;
  dangling: number;
  strays: number;
  broken: number;
  members: number;
}

/** Whether a job may still be writing its objects (waiting, delayed or active). */
export const LIVE_JOB_CHECK = Symbol('LIVE_JOB_CHECK');
export type LiveJobCheck = (jobId: string) => Promise<boolean>;

interface Found {
  /** The owner as the object keys say (users/<uid>/…): the only owner a repair may use. */
  ownerUid: string;
  image?: number;
  thumbnail?: number;
  meta?: number;
}

/**
 * Makes S3 and the Redis index agree again after a crash or after Redis lost its data (GalleryStore's
 * write order tells which side is right). Everything is rebuilt by owner uid, read from the object keys
 * and checked against the metadata's `owner_uid`: a new account that took an old username has a new
 * uid and never sees the old images. metadata without index entry -> indexed again; index entry without metadata ->
 * removed with any objects left; PNG/thumbnail without metadata, older than the grace period and
 * not from a live job -> deleted; metadata whose PNG or thumbnail is gone -> removed entirely.
 * One replica sweeps at a time (a Redis lock); each repair re-reads its object first.
 */
@Injectable()
export class GallerySweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(GALLERY_STORE) private readonly store: GalleryStore,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(LIVE_JOB_CHECK) private readonly isLive: LiveJobCheck,
    private readonly env: MediaEnv,
  ) {}

  onApplicationBootstrap() {
    if (!this.env.GALLERY_SWEEP_INTERVAL_MS) return;
    this.timer = setInterval(() => void this.runLocked(), this.env.GALLERY_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** A sweep unless another replica holds the lock; errors are logged, the next interval tries again. */
  async runLocked(): Promise<SweepReport | null> {
    const got = await this.redis
      .set(galleryRedisKeys.sweepLock, String(process.pid), 'PX', Math.max(60_000, this.env.GALLERY_SWEEP_INTERVAL_MS), 'NX')
      .catch(() => null);
    if (!got) return null;
    try {
      const report = await this.sweep();
      if (Object.values(report).some((n) => n > 0)) getLogger().info({ report }, 'gallery sweep repaired inconsistencies');
      return report;
    } catch (err) {
      getLogger().warn({ err }, 'gallery sweep failed');
      return null;
    }
  }

  async sweep(now = Date.now()): Promise<SweepReport> {
    const report: SweepReport = { reindexed: 0, dangling: 0, strays: 0, broken: 0, members: 0 };
    const found = await this.listObjects();
    for (const [filename, f] of found) {
      if (f.meta !== undefined && f.image !== undefined && f.thumbnail !== undefined) {
        if (!(await this.store.index.isIndexed(f.ownerUid, filename)) && (await this.reindex(f.ownerUid, filename))) report.reindexed++;
      } else if (f.meta !== undefined) {
        // A listing is not a snapshot: a save may have finished between its pages, so look again.
        if (await this.complete(f.ownerUid, filename)) continue;
        await this.removeAll(f.ownerUid, filename);
        report.broken++;
      } else if (
        now - Math.max(f.image ?? 0, f.thumbnail ?? 0) >= this.env.GALLERY_SWEEP_GRACE_MS &&
        !(await this.isLive(jobIdOf(filename)))
      ) {
        await this.store.objects.delete([galleryKeys.image(f.ownerUid, filename), galleryKeys.thumbnail(f.ownerUid, filename)]);
        report.strays++;
      }
    }
    for await (const items of this.store.index.allItems()) {
      for (const { ownerUid, filename } of items.filter((i) => !found.get(i.filename)?.meta)) {
        const record = await this.store.index.get(ownerUid, filename);
        // Saved after our listing? GalleryStore writes metadata before the index, so ask S3 again.
        if (!record || (await this.store.objects.exists(galleryKeys.meta(record.owner_uid, filename)))) continue;
        await this.removeAll(record.owner_uid, filename);
        report.dangling++;
      }
    }
    for await (const key of this.store.index.ownerIndexKeys()) {
      for (const filename of await this.store.index.danglingMembers(key)) {
        await this.store.index.removeMember(key, filename);
        report.members++;
      }
    }
    for (const [kind, n] of Object.entries(report)) if (n) imageMetrics.sweepRepairs.inc({ kind }, n);
    return report;
  }

  private async listObjects(): Promise<Map<string, Found>> {
    const found = new Map<string, Found>();
    for await (const o of this.store.objects.list(galleryKeys.root)) {
      const parsed = parseGalleryKey(o.key);
      if (!parsed) continue;
      const entry = found.get(parsed.filename) ?? { ownerUid: parsed.ownerUid };
      entry[parsed.kind] = o.lastModified;
      found.set(parsed.filename, entry);
    }
    return found;
  }

  /** Re-reads the metadata: a delete running meanwhile removes it first, and then nothing is indexed. */
  private async reindex(ownerUid: string, filename: string): Promise<boolean> {
    const record = await this.store.objects.readJson<GalleryRecord>(galleryKeys.meta(ownerUid, filename));
    // The key decides the owner; metadata naming another (or none, as before uids) is not indexed.
    if (!record || record.filename !== filename || record.owner_uid !== ownerUid) return false;
    await this.store.index.add(record);
    return true;
  }

  private async complete(ownerUid: string, filename: string): Promise<boolean> {
    const keys = [galleryKeys.image(ownerUid, filename), galleryKeys.thumbnail(ownerUid, filename)];
    return (await Promise.all(keys.map((k) => this.store.objects.exists(k)))).every(Boolean);
  }

  private async removeAll(ownerUid: string, filename: string): Promise<void> {
    await this.store.delete({ owner_uid: ownerUid, filename });
  }
}
