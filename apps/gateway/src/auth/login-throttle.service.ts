import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { clientBucket } from '../security/client-ip.util';
import { AUTH_KEYS } from './auth-keys.constants';
import { userKey } from './token.util';
import { ERROR_CODE } from '@nitro/contracts';

/** KEYS: counters. ARGV: window ms. INCR each, start its window on the first failure. */
const RECORD = `
for i, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then redis.call('PEXPIRE', k, ARGV[1]) end
end
return 1
`;

/**
 * Failed sign-ins counted per account and per client IP in Redis (so every gateway instance
 * sees them). Over the limit, the password is not even checked: a guessing attacker learns
 * nothing and costs us no hashing, and the real owner waits at most LOGIN_LOCKOUT_S.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly env: GatewayEnv,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async assertAllowed(username: string, ip: string): Promise<void> {
    const acct = AUTH_KEYS.loginFailuresAccount(userKey(username));
    const addr = AUTH_KEYS.loginFailuresIp(clientBucket(ip));
    const res = (await this.redis.pipeline().get(acct).pttl(acct).get(addr).pttl(addr).exec()) ?? [];
    const [acctCount, acctTtl, ipCount, ipTtl] = res.map(([, v]) => Number(v ?? 0));
    const blockedMs = Math.max(acctCount >= this.env.LOGIN_MAX_FAILURES_PER_ACCOUNT ? acctTtl : 0, ipCount >= this.env.LOGIN_MAX_FAILURES_PER_IP ? ipTtl : 0);
    if (blockedMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(blockedMs / 1000));
      throw new HttpException({ error: ERROR_CODE.TOO_MANY_LOGIN_ATTEMPTS, message: `too many failed sign-ins for this account or address: retry in ${retryAfter} s`, retryAfter }, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    await this.redis.eval(RECORD, 2, AUTH_KEYS.loginFailuresAccount(userKey(username)), AUTH_KEYS.loginFailuresIp(clientBucket(ip)), String(this.env.LOGIN_LOCKOUT_S * 1000));
  }

  /** A successful sign-in clears the account's count (not the address's: one good password must not reset an attacker's budget). */
  async reset(username: string): Promise<void> {
    await this.redis.del(AUTH_KEYS.loginFailuresAccount(userKey(username)));
  }
}
