import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { counter, getLogger } from '@nitro/observability';
import { ipBudgetKey, REDIS_CLIENT, refundBudget, spendBudget, userBudgetKey } from '@nitro/service-kit';
import { clientBucket } from './client-ip.util';
import { RouteClass, rateLimitOf } from './route-class';

/** The counters and their script are shared with the services (service-kit user-budget): one budget per user and class. */

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
    if (userId && cls !== 'auth') checks.push({ scope: 'user', key: userBudgetKey(cls, userId), limit: perUser });
    checks.push({
      scope: 'ip',
      key: ipBudgetKey(cls, clientBucket(ip)),
      limit: cls === 'auth' ? perUser : perUser * this.env.RATE_LIMIT_IP_MULTIPLIER,
    });
    const windowMs = this.env.RATE_LIMIT_WINDOW_S * 1000;
    let res: [number, number][];
    try {
      res = await spendBudget(
        this.redis,
        checks.map((c) => c.key),
        windowMs,
      );
    } catch (err) {
      // Fail open: a Redis hiccup must not take the whole API down; authentication still needs Redis anyway.
      getLogger().warn({ reason: (err as Error).message }, 'rate limit check skipped: Redis unreachable');
      return null;
    }
    const decisions = checks.map((c, i): RateDecision => {
      const [count, ttl] = res[i];
      return {
        allowed: count <= c.limit,
        limit: c.limit,
        remaining: Math.max(0, c.limit - count),
        resetS: Math.max(1, Math.ceil(ttl / 1000)),
        scope: c.scope,
        window: this.env.RATE_LIMIT_WINDOW_S,
      };
    });
    const denied = decisions.filter((d) => !d.allowed).sort((a, b) => b.resetS - a.resetS)[0];
    if (denied) {
      limited.inc({ class: cls, scope: denied.scope });
      return denied;
    }
    return decisions.sort((a, b) => a.remaining - b.remaining)[0];
  }

  /** Gives back what consume() spent (a request then refused as invalid). Best effort: a failure only costs one unit. */
  async refund(cls: RouteClass, userId: string | undefined, ip: string): Promise<void> {
    const keys = [...(userId && cls !== 'auth' ? [userBudgetKey(cls, userId)] : []), ipBudgetKey(cls, clientBucket(ip))];
    await refundBudget(this.redis, keys).catch((err) => getLogger().warn({ reason: (err as Error).message }, 'rate limit refund skipped'));
  }
}
