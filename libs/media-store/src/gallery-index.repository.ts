import type { Redis } from 'ioredis';
import { isUserUid, type GalleryRecord } from '@nitro/contracts';
import { scanKeys } from '@nitro/transport';
import { galleryRedisKeys as K, parseGalleryItemKey } from './gallery-keys';

/**
 * The per-owner listing in Redis (keyed by the owner's uid, never the username): a sorted set of file
 * names by creation time plus one JSON record per image, both in the owner's hash-tag slot `{g:<uid>}`
 * so every multi-key command stays on one Redis Cluster node (ADR 0009). A pointer file name -> owner
 * uid, outside the slot, answers "who owns this file?" for a download by name alone (the admin's).
 * Written after the owner's MULTI and deleted before it, so a pointer never names a record that was
 * never written; the sweep re-adds a missing one. It is all derived from S3: the sweep rebuilds
 * entries from the metadata objects, so losing Redis loses no image.
 */
export class GalleryIndexRepository {
  constructor(private readonly redis: Redis) {}

  async add(record: GalleryRecord): Promise<void> {
    await this.redis
      .multi()
      .set(K.item(record.owner_uid, record.filename), JSON.stringify(record))
      .zadd(K.ownerIndex(record.owner_uid), Date.parse(record.created_at), record.filename)
      .exec()
      .then(throwOnMultiError);
    await this.redis.set(K.ownerOf(record.filename), record.owner_uid);
  }

  /** The record in this owner's gallery; null when the owner has no such file. */
  async get(ownerUid: string, filename: string): Promise<GalleryRecord | null> {
    const raw = await this.redis.get(K.item(ownerUid, filename));
    return raw ? (JSON.parse(raw) as GalleryRecord) : null;
  }

  /** The owner uid of a file name (from its pointer); null when unknown. */
  async ownerOf(filename: string): Promise<string | null> {
    return this.redis.get(K.ownerOf(filename));
  }

  /** Whether the record and its pointer are both there (the sweep re-adds the file otherwise). */
  async isIndexed(ownerUid: string, filename: string): Promise<boolean> {
    const [item, pointer] = await Promise.all([this.redis.exists(K.item(ownerUid, filename)), this.ownerOf(filename)]);
    return item === 1 && pointer === ownerUid;
  }

  async remove(ownerUid: string, filename: string): Promise<void> {
    // Only a pointer that still names this owner (a filename is never reissued; this is belt and braces).
    if ((await this.ownerOf(filename)) === ownerUid) await this.redis.del(K.ownerOf(filename));
    await this.redis.multi().del(K.item(ownerUid, filename)).zrem(K.ownerIndex(ownerUid), filename).exec().then(throwOnMultiError);
  }

  /** Newest first; entries whose record vanished in between are skipped. One owner: one slot, so MGET is allowed. */
  async page(ownerUid: string, offset: number, limit: number): Promise<{ total: number; records: GalleryRecord[] }> {
    const [total, names] = await Promise.all([
      this.redis.zcard(K.ownerIndex(ownerUid)),
      this.redis.zrevrange(K.ownerIndex(ownerUid), offset, offset + limit - 1),
    ]);
    if (!names.length) return { total, records: [] };
    const raws = await this.redis.mget(names.map((n) => K.item(ownerUid, n)));
    return { total, records: raws.filter((r): r is string => !!r).map((r) => JSON.parse(r) as GalleryRecord) };
  }

  /** Every indexed file with its owner (the sweep's view of Redis), in batches; SCAN on every primary of a cluster. */
  async *allItems(): AsyncGenerator<{ ownerUid: string; filename: string }[]> {
    for await (const keys of scanKeys(this.redis, K.itemPattern)) {
      const items = keys.map(parseGalleryItemKey).filter((x): x is { ownerUid: string; filename: string } => !!x);
      if (items.length) yield items;
    }
  }

  /** Sorted-set members with no record (left by a crash between the writes of remove()). */
  async danglingMembers(ownerIndexKey: string): Promise<string[]> {
    const names = await this.redis.zrange(ownerIndexKey, '0', '-1');
    const ownerUid = /\{g:([^}]+)\}/.exec(ownerIndexKey)?.[1];
    if (!names.length || !isUserUid(ownerUid)) return [];
    const exists = await Promise.all(names.map((n) => this.redis.exists(K.item(ownerUid, n))));
    return names.filter((_, i) => !exists[i]);
  }

  async *ownerIndexKeys(): AsyncGenerator<string> {
    for await (const keys of scanKeys(this.redis, K.ownerIndexPattern)) yield* keys;
  }

  async removeMember(ownerIndexKey: string, filename: string): Promise<void> {
    await this.redis.zrem(ownerIndexKey, filename);
  }
}

function throwOnMultiError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
  if (!results) throw new Error('redis transaction aborted');
}
