import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { API_KEY_PREFIX, AUTH_KEYS } from './auth-keys.constants';
import { randomToken, sha256Hex, userKey } from './token.util';

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it in a list; never the key itself. */
  prefix: string;
  created_at: string;
}

/** KEYS: user's key index, key record. ARGV: id, hash, user, name, prefix, created_at, max. Count and insert atomically. */
const CREATE_KEY = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[7]) then return 0 end
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'user', ARGV[3], 'name', ARGV[4], 'prefix', ARGV[5], 'created_at', ARGV[6])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** API keys: `nitro_` + 256 random bits, shown once, stored as SHA-256 only. */
@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** null when the user already has `max` keys. */
  async create(userId: string, name: string, max: number): Promise<(ApiKeyInfo & { key: string }) | null> {
    const key = API_KEY_PREFIX + randomToken(32);
    const hash = sha256Hex(key);
    const id = randomToken(9);
    const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
    const createdAt = Date.now();
    const lower = userKey(userId);
    const ok = await this.redis.eval(
      CREATE_KEY,
      2,
      AUTH_KEYS.userApiKeys(lower),
      AUTH_KEYS.apiKey(hash),
      id,
      hash,
      lower,
      name,
      prefix,
      String(createdAt),
      String(max),
    );
    if (ok !== 1) return null;
    return { id, name, prefix, created_at: new Date(createdAt).toISOString(), key };
  }

  async list(userId: string): Promise<ApiKeyInfo[]> {
    const index = await this.redis.hgetall(AUTH_KEYS.userApiKeys(userKey(userId)));
    const hashes = Object.values(index);
    if (!hashes.length) return [];
    const pipe = this.redis.pipeline();
    for (const h of hashes) pipe.hmget(AUTH_KEYS.apiKey(h), 'id', 'name', 'prefix', 'created_at');
    const rows = (await pipe.exec()) ?? [];
    return rows
      .map(([, v]) => v as (string | null)[])
      .filter((v) => v?.[0])
      .map(([id, name, prefix, created]) => ({
        id: id!,
        name: name ?? '',
        prefix: prefix ?? '',
        created_at: new Date(Number(created)).toISOString(),
      }))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** false when the user has no key with this id (someone else's id looks exactly like a missing one). */
  async delete(userId: string, id: string): Promise<boolean> {
    const lower = userKey(userId);
    const hash = await this.redis.hget(AUTH_KEYS.userApiKeys(lower), id);
    if (!hash) return false;
    await this.redis.multi().del(AUTH_KEYS.apiKey(hash)).hdel(AUTH_KEYS.userApiKeys(lower), id).exec();
    return true;
  }

  /** The owner (lower-cased) and key id of a presented key, or null. */
  async lookup(key: string): Promise<{ userLower: string; keyId: string } | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const [user, id] = await this.redis.hmget(AUTH_KEYS.apiKey(sha256Hex(key)), 'user', 'id');
    return user && id ? { userLower: user, keyId: id } : null;
  }
}
