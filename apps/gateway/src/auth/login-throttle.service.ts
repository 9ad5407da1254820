import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { clientBucket } from '../security/client-ip.util';
import { AUTH_KEYS } from './auth-keys.constants';
import { userKey } from './token.util';
import { ERROR_CODE } from '@nitro/contracts';

/**
 * KEYS: the (account, address) hash, the account's counter, the address's counter.
 * ARGV: window ms, free failures per pair, now ms, longest delay ms.
 * Counts the failure everywhere; past the free failures the pair must wait 1 s, 2 s, 4 s … (capped).
 */
const RECORD = `
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local delay = 0
if n >= tonumber(ARGV[2]) then
  delay = math.min(1000 * 2 ^ (n - tonumber(ARGV[2])), tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'until', tonumber(ARGV[3]) + delay)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
for i = 2, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return delay
`;

/**
 * Password guessing without handing attackers a lockout (issue 14: five wrong passwords from anywhere
 * locked any account, the admin's included, for 15 minutes). Counters live in Redis (every instance
 * sees them), and what is refused is refused before the password is checked (no hashing, nothing learned):
 *  - per (account, address): LOGIN_MAX_FAILURES_PER_ACCOUNT free failures, then that pair waits 1 s, 2 s,
 *    4 s … up to LOGIN_LOCKOUT_S. A guesser slows only themselves; the owner elsewhere is not touched.
 *  - per address across accounts: LOGIN_MAX_FAILURES_PER_IP within LOGIN_LOCKOUT_S, then 429 (spraying).
 *  - per account from every address (a botnet): past LOGIN_ACCOUNT_SLOWDOWN_AFTER failures, addresses the
 *    account never signed in from get one attempt per LOGIN_ACCOUNT_SLOWDOWN_MS between them all; the
 *    addresses it did sign in from (kept REFRESH_TOKEN_TTL_S) are not slowed.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly env: GatewayEnv,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async assertAllowed(username: string, ip: string): Promise<void> {
    const lower = userKey(username);
    const bucket = clientBucket(ip);
    const res =
      (await this.redis
        .pipeline()
        .hget(AUTH_KEYS.loginFailuresPair(lower, bucket), 'until')
        .get(AUTH_KEYS.loginFailuresIp(bucket))
        .pttl(AUTH_KEYS.loginFailuresIp(bucket))
        .get(AUTH_KEYS.loginFailuresAccount(lower))
        .sismember(AUTH_KEYS.loginKnownAddresses(lower), bucket)
        .exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    const [until, ipCount, ipTtl, acctCount, known] = res.map(([, v]) => Number(v ?? 0));
    const now = Date.now();
    if (until > now) throw tooMany(until - now, 'too many failed sign-ins for this account from this address');
    if (ipCount >= this.env.LOGIN_MAX_FAILURES_PER_IP && ipTtl > 0) throw tooMany(ipTtl, 'too many failed sign-ins from this address');
    if (acctCount >= this.env.LOGIN_ACCOUNT_SLOWDOWN_AFTER && !known) {
      const slot = await this.redis.set(AUTH_KEYS.loginSlowdown(lower), '1', 'PX', this.env.LOGIN_ACCOUNT_SLOWDOWN_MS, 'NX');
      if (slot !== 'OK')
        throw tooMany(this.env.LOGIN_ACCOUNT_SLOWDOWN_MS, 'this account is being guessed at: sign-ins from new addresses are slowed down');
    }
  }

  /** Returns the delay (ms) the (account, address) pair now has before its next attempt. */
  async recordFailure(username: string, ip: string): Promise<number> {
    const lower = userKey(username);
    const bucket = clientBucket(ip);
    const keys = [AUTH_KEYS.loginFailuresPair(lower, bucket), AUTH_KEYS.loginFailuresAccount(lower), AUTH_KEYS.loginFailuresIp(bucket)];
    const args = [
      this.env.LOGIN_LOCKOUT_S * 1000,
      this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      Date.now(),
      this.env.LOGIN_LOCKOUT_S * 1000,
    ].map(String);
    return Number(await this.redis.eval(RECORD, keys.length, ...keys, ...args));
  }

  /**
   * A successful sign-in clears its own pair and remembers the address as the owner's. Neither the
   * account's total nor the address's count is cleared: one good password must not reset a guesser's budget.
   */
  async reset(username: string, ip: string): Promise<void> {
    const lower = userKey(username);
    const bucket = clientBucket(ip);
    const known = AUTH_KEYS.loginKnownAddresses(lower);
    await this.redis
      .multi()
      .del(AUTH_KEYS.loginFailuresPair(lower, bucket))
      .sadd(known, bucket)
      .expire(known, this.env.REFRESH_TOKEN_TTL_S)
      .exec();
  }
}

function tooMany(waitMs: number, why: string): HttpException {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new HttpException(
    { error: ERROR_CODE.TOO_MANY_LOGIN_ATTEMPTS, message: `${why}: retry in ${retryAfter} s`, retryAfter },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
