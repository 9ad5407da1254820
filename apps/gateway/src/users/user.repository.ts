import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { AUTH_KEYS } from '../auth/auth-keys.constants';
import { userKey } from '../auth/token.util';

export type Role = 'admin' | 'user';

export interface UserRecord {
  id: string;
  /** Immutable internal id (USER_UID_PATTERN), made at sign-up; the gallery is keyed by it. Absent on an account
   * stored before uids until uidOf() assigns one. */
  uid?: string;
  role: Role;
  disabled: boolean;
  created_at: string;
  /** The argon2id PHC string; never leaves the gateway. */
  passwordHash: string;
}

export type CreateUserResult = { ok: true; role: Role; created_at: string } | { ok: false; reason: 'exists' | 'closed' | 'bootstrap' };

/**
 * One Lua script so "the first user is admin" and "registration is closed" hold across every
 * gateway instance: two simultaneous first registrations cannot both become admin.
 * KEYS: user hash, users zset, settings hash. ARGV: id, password hash, created_at ms, config open, lower id,
 * '1' when this sign-up may become the admin (it proved the bootstrap secret or came from loopback), uid.
 */
const CREATE_USER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local role = 'user'
if redis.call('ZCARD', KEYS[2]) == 0 then
  if ARGV[6] ~= '1' then return {'bootstrap'} end
  role = 'admin'
else
  if ARGV[4] ~= '1' then return {'closed'} end
  if redis.call('HGET', KEYS[3], 'registration_open') == '0' then return {'closed'} end
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'uid', ARGV[7], 'pw', ARGV[2], 'role', role, 'disabled', '0', 'created_at', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
return {'ok', role}
`;

/** KEYS: user hash. ARGV: a fresh uid. Returns the account's uid (set now when it had none), or false when no account. */
const ASSIGN_UID = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSETNX', KEYS[1], 'uid', ARGV[1])
return redis.call('HGET', KEYS[1], 'uid')
`;

/** A new account's uid: a random (version 4) UUID, 122 random bits, never reused. */
export function newUserUid(): string {
  return randomUUID();
}

/** Accounts and the registration setting in Redis. */
@Injectable()
export class UserRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async create(id: string, passwordHash: string, configOpen: boolean, mayBeAdmin: boolean): Promise<CreateUserResult> {
    const lower = userKey(id);
    const now = Date.now();
    const res = (await this.redis.eval(
      CREATE_USER,
      3,
      AUTH_KEYS.user(lower),
      AUTH_KEYS.users,
      AUTH_KEYS.settings,
      id,
      passwordHash,
      String(now),
      configOpen ? '1' : '0',
      lower,
      mayBeAdmin ? '1' : '0',
      newUserUid(),
    )) as string[];
    if (res[0] === 'ok') return { ok: true, role: res[1] as Role, created_at: new Date(now).toISOString() };
    return { ok: false, reason: res[0] as 'exists' | 'closed' | 'bootstrap' };
  }

  async find(id: string): Promise<UserRecord | null> {
    const h = await this.redis.hgetall(AUTH_KEYS.user(userKey(id)));
    return h.id ? toRecord(h) : null;
  }

  /**
   * The account's immutable uid, or null when there is no such account. An account stored before uids
   * existed gets one now (HSETNX inside one script: concurrent callers agree on the same value).
   * Callers go through UserUids (the one username -> uid mapping at the edge), not here.
   */
  async uidOf(id: string): Promise<string | null> {
    const key = AUTH_KEYS.user(userKey(id));
    const uid = await this.redis.hget(key, 'uid');
    if (uid) return uid;
    const assigned = await this.redis.eval(ASSIGN_UID, 1, key, newUserUid());
    return typeof assigned === 'string' ? assigned : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(AUTH_KEYS.user(userKey(id)))) === 1;
  }

  async count(): Promise<number> {
    return this.redis.zcard(AUTH_KEYS.users);
  }

  /** Oldest first; the password hash is dropped before anything is returned. */
  async list(offset: number, limit: number): Promise<Omit<UserRecord, 'passwordHash'>[]> {
    const ids = await this.redis.zrange(AUTH_KEYS.users, String(offset), String(offset + limit - 1));
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const lower of ids) pipe.hmget(AUTH_KEYS.user(lower), 'id', 'role', 'disabled', 'created_at');
    const rows = (await pipe.exec()) ?? [];
    return rows
      .map(([, v]) => v as (string | null)[])
      .filter((v) => v?.[0])
      .map(([uid, role, disabled, created]) => ({
        id: uid!,
        role: role as Role,
        disabled: disabled === '1',
        created_at: new Date(Number(created)).toISOString(),
      }));
  }

  /** false when no such user. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const key = AUTH_KEYS.user(userKey(id));
    // HSET only when the user exists: a typo must not create a half account.
    const res = await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end redis.call('HSET', KEYS[1], 'disabled', ARGV[1]) return 1`,
      1,
      key,
      disabled ? '1' : '0',
    );
    return res === 1;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'pw', ARGV[1]) end return 1`,
      1,
      AUTH_KEYS.user(userKey(id)),
      passwordHash,
    );
  }

  /** The admin's runtime switch; null when never set (the config decides alone). */
  async registrationSetting(): Promise<boolean | null> {
    const v = await this.redis.hget(AUTH_KEYS.settings, 'registration_open');
    return v === null ? null : v === '1';
  }

  async setRegistrationOpen(open: boolean): Promise<void> {
    await this.redis.hset(AUTH_KEYS.settings, 'registration_open', open ? '1' : '0');
  }
}

function toRecord(h: Record<string, string>): UserRecord {
  return {
    id: h.id,
    ...(h.uid ? { uid: h.uid } : {}),
    role: h.role === 'admin' ? 'admin' : 'user',
    disabled: h.disabled === '1',
    created_at: new Date(Number(h.created_at)).toISOString(),
    passwordHash: h.pw,
  };
}
