import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { counter, getLogger } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { clientBucket } from './client-ip.util';
import { RouteClass, rateLimitOf } from './route-class';

/**
 * Fixed windows in Redis, one atomic script for all counters of a request: INCR, start the window
 * on the first hit, report count and time left. Every gateway instance shares the counters.
 * KEYS: counters. ARGV[1]: window ms. Returns count1, pttl1, count2, pttl2 …
 */
const CONSUME = `
local out = {}
for i, k in ipairs(KEYS) do
  local n = redis.call('INCR', k)
  local ttl = redis.call('PTTL', k)
  if n == 1 or ttl < 0 then redis.call('PEXPIRE', k, ARGV[1]) ttl = tonumber(ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out
`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window that decided resets. */
  resetS: number;
  /** Which budget decided: 'user' or 'ip'. */
  scope: 'user' | 'ip';
  window: number;
}

const limited = counter('nitro_rate_limited_total', 'Requests refused with 429', ['class', 'scope']);

@Injectable()
export class RateLimitService {
  constructor(
    private readonly env: GatewayEnv,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /**
   * Spends one request from the user's budget (when there is a user) and from the client IP's
   * (RATE_LIMIT_IP_MULTIPLIER times larger, except for sign-in attempts which only have an IP).
   * The decision reported is the tighter of the two. null: not limited (disabled or unlimited class).
   */
  async consume(cls: RouteClass, userId: string | undefined, ip: string): Promise<RateDecision | null> {
    const perUser = rateLimitOf(this.env, cls);
    if (!this.env.RATE_LIMIT_ENABLED || perUser <= 0) return null;
    const checks: { scope: 'user' | 'ip'; key: string; limit: number }[] = [];
    if (userId && cls !== 'auth') checks.push({ scope: 'user', key: `nitro:rl:${cls}:u:${userId.toLowerCase()}`, limit: perUser });
    checks.push({ scope: 'ip', key: `nitro:rl:${cls}:ip:${clientBucket(ip)}`, limit: cls === 'auth' ? perUser : perUser * this.env.RATE_LIMIT_IP_MULTIPLIER });
    const windowMs = this.env.RATE_LIMIT_WINDOW_S * 1000;
    let res: number[];
    try {
      res = (await this.redis.eval(CONSUME, checks.length, ...checks.map((c) => c.key), String(windowMs))) as number[];
    } catch (err) {
      // Fail open: a Redis hiccup must not take the whole API down; authentication still needs Redis anyway.
      getLogger().warn({ reason: (err as Error).message }, 'rate limit check skipped: Redis unreachable');
      return null;
    }
    const decisions = checks.map((c, i): RateDecision => {
      const count = Number(res[i * 2]);
      const ttl = Number(res[i * 2 + 1]);
      return { allowed: count <= c.limit, limit: c.limit, remaining: Math.max(0, c.limit - count), resetS: Math.max(1, Math.ceil(ttl / 1000)), scope: c.scope, window: this.env.RATE_LIMIT_WINDOW_S };
    });
    const denied = decisions.filter((d) => !d.allowed).sort((a, b) => b.resetS - a.resetS)[0];
    if (denied) {
      limited.inc({ class: cls, scope: denied.scope });
      return denied;
    }
    return decisions.sort((a, b) => a.remaining - b.remaining)[0];
  }
}
