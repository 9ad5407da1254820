import type { Redis } from 'ioredis';
import type { GalleryRecord } from '@nitro/contracts';
import { galleryRedisKeys as K } from './gallery-keys';

/**
 * The per-owner listing in Redis (keyed by the owner's uid, never the username): a sorted set of file
 * names by creation time plus one JSON record per image (which also answers "who owns this file?"
 * for downloads: its `owner_uid`). It is derived from S3: the
 * sweep rebuilds entries from the metadata objects, so losing Redis loses no image.
 */
export class GalleryIndexRepository {
  constructor(private readonly redis: Redis) {}

  async add(record: GalleryRecord): Promise<void> {
    await this.redis
      .multi()
      .set(K.item(record.filename), JSON.stringify(record))
      .zadd(K.ownerIndex(record.owner_uid), Date.parse(record.created_at), record.filename)
      .exec()
      .then(throwOnMultiError);
  }

  async get(filename: string): Promise<GalleryRecord | null> {
    const raw = await this.redis.get(K.item(filename));
    return raw ? (JSON.parse(raw) as GalleryRecord) : null;
  }

  async remove(ownerUid: string, filename: string): Promise<void> {
    await this.redis.multi().del(K.item(filename)).zrem(K.ownerIndex(ownerUid), filename).exec().then(throwOnMultiError);
  }

  /** Newest first; entries whose record vanished in between are skipped. */
  async page(ownerUid: string, offset: number, limit: number): Promise<{ total: number; records: GalleryRecord[] }> {
    const [total, names] = await Promise.all([
      this.redis.zcard(K.ownerIndex(ownerUid)),
      this.redis.zrevrange(K.ownerIndex(ownerUid), offset, offset + limit - 1),
    ]);
    if (!names.length) return { total, records: [] };
    const raws = await this.redis.mget(names.map((n) => K.item(n)));
    return { total, records: raws.filter((r): r is string => !!r).map((r) => JSON.parse(r) as GalleryRecord) };
  }

  /** Every indexed file name (the sweep's view of Redis), in batches. */
  async *allItems(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', K.itemPattern, 'COUNT', '500');
      cursor = next;
      if (keys.length) yield keys.map((k) => k.slice(K.item('').length));
    } while (cursor !== '0');
  }

  /** Sorted-set members with no record (left by a crash between the two writes of remove()). */
  async danglingMembers(ownerIndexKey: string): Promise<string[]> {
    const names = await this.redis.zrange(ownerIndexKey, '0', '-1');
    if (!names.length) return [];
    const exists = await Promise.all(names.map((n) => this.redis.exists(K.item(n))));
    return names.filter((_, i) => !exists[i]);
  }

  async *ownerIndexKeys(): AsyncGenerator<string> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', K.ownerIndexPattern, 'COUNT', '500');
      cursor = next;
      yield* keys;
    } while (cursor !== '0');
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
