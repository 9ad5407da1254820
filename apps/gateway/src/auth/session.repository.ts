import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { AUTH_KEYS, REFRESH_TOKEN_PREFIX } from './auth-keys.constants';
import { randomToken, sha256Hex, userKey } from './token.util';

export interface IssuedRefresh {
  token: string;
  familyId: string;
}

export type RotateResult =
  | { status: 'ok'; token: string; familyId: string; userLower: string }
  | { status: 'unknown' | 'revoked' }
  | { status: 'reused'; userLower: string };

/**
 * Compare-and-swap on the family's current token. A token that is not the current one was
 * already rotated: someone replays it, so the whole family (every session token, and the access
 * tokens that carry its id) dies at once — unless it is the token rotated a moment ago (within
 * the grace period), which gets the same new token back: two tabs refreshing together.
 * KEYS: family, new token record, grace key. ARGV: old hash, new hash, ttl, family id, user, new token, grace ms.
 */
const ROTATE = `
local f = redis.call('HMGET', KEYS[1], 'current', 'previous')
if not f[1] then return {'revoked'} end
if f[1] ~= ARGV[1] then
  if f[2] == ARGV[1] then
    local again = redis.call('GET', KEYS[3])
    if again then return {'replay', again} end
  end
  redis.call('DEL', KEYS[1])
  return {'reused'}
end
redis.call('HSET', KEYS[1], 'current', ARGV[2], 'previous', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], 'family', ARGV[4], 'user', ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[3])
if tonumber(ARGV[7]) > 0 then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7]) else redis.call('DEL', KEYS[3]) end
return {'ok'}
`;

/**
 * Refresh tokens (opaque, stored as SHA-256) grouped in families: one family per sign-in, one
 * current token per family. Access tokens carry the family id, so revoking a family signs the
 * session out everywhere at once.
 */
@Injectable()
export class SessionRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async start(userId: string, ttlS: number): Promise<IssuedRefresh> {
    const familyId = randomToken(16);
    const token = REFRESH_TOKEN_PREFIX + randomToken(32);
    const hash = sha256Hex(token);
    const lower = userKey(userId);
    await this.redis
      .multi()
      .hset(AUTH_KEYS.family(familyId), 'user', lower, 'current', hash)
      .expire(AUTH_KEYS.family(familyId), ttlS)
      .hset(AUTH_KEYS.refresh(hash), 'family', familyId, 'user', lower)
      .expire(AUTH_KEYS.refresh(hash), ttlS)
      .sadd(AUTH_KEYS.userFamilies(lower), familyId)
      .expire(AUTH_KEYS.userFamilies(lower), ttlS)
      .exec();
    return { token, familyId };
  }

  async rotate(token: string, ttlS: number, graceS = 0): Promise<RotateResult> {
    if (!token.startsWith(REFRESH_TOKEN_PREFIX)) return { status: 'unknown' };
    const hash = sha256Hex(token);
    // The record never changes after it is written, so reading it outside the script is safe.
    const [familyId, lower] = await this.redis.hmget(AUTH_KEYS.refresh(hash), 'family', 'user');
    if (!familyId || !lower) return { status: 'unknown' };
    const next = REFRESH_TOKEN_PREFIX + randomToken(32);
    const nextHash = sha256Hex(next);
    const [res, again] = (await this.redis.eval(
      ROTATE,
      3,
      AUTH_KEYS.family(familyId),
      AUTH_KEYS.refresh(nextHash),
      AUTH_KEYS.familyGrace(familyId),
      hash,
      nextHash,
      String(ttlS),
      familyId,
      lower,
      next,
      String(graceS * 1000),
    )) as string[];
    if (res === 'ok') {
      await this.redis.expire(AUTH_KEYS.userFamilies(lower), ttlS);
      return { status: 'ok', token: next, familyId, userLower: lower };
    }
    if (res === 'replay') return { status: 'ok', token: again, familyId, userLower: lower };
    if (res === 'reused') return { status: 'reused', userLower: lower };
    return { status: 'revoked' };
  }

  /** The family a refresh token belongs to (for logout), or null. */
  async familyOf(token: string): Promise<{ familyId: string; userLower: string } | null> {
    if (!token.startsWith(REFRESH_TOKEN_PREFIX)) return null;
    const [familyId, lower] = await this.redis.hmget(AUTH_KEYS.refresh(sha256Hex(token)), 'family', 'user');
    return familyId && lower ? { familyId, userLower: lower } : null;
  }

  async revoke(familyId: string, userLower?: string): Promise<void> {
    const multi = this.redis.multi().del(AUTH_KEYS.family(familyId), AUTH_KEYS.familyGrace(familyId));
    if (userLower) multi.srem(AUTH_KEYS.userFamilies(userLower), familyId);
    await multi.exec();
  }

  /** Every session of the user (disable, password change). */
  async revokeAll(userId: string): Promise<number> {
    const lower = userKey(userId);
    const ids = await this.redis.smembers(AUTH_KEYS.userFamilies(lower));
    const multi = this.redis.multi();
    for (const id of ids) multi.del(AUTH_KEYS.family(id), AUTH_KEYS.familyGrace(id));
    multi.del(AUTH_KEYS.userFamilies(lower));
    await multi.exec();
    return ids.length;
  }
}
