import type { Redis } from 'ioredis';
import { isCluster } from '@nitro/transport';

/**
 * The per-user request budgets (RATE_LIMIT_<CLASS> per RATE_LIMIT_WINDOW_S), in one place: the gateway
 * spends them for requests, and services spend the same counters for work done later on a user's behalf
 * (scheduled agent runs), so a task running every second cannot use the model more than the user could.
 * Fixed windows, one atomic script for all counters of a charge: INCR, start the window on the first hit,
 * report count and time left. KEYS: counters. ARGV[1]: window ms. Returns count1, pttl1, count2, pttl2 …
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

/** Gives back one unit of each counter (never below zero): a request refused as invalid spent nothing. */
const REFUND = `
for i, k in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', k) or '0')
  if n > 0 then redis.call('DECR', k) end
end
return 1
`;

/** A budget class: the gateway's route classes (chat, image, voice, search, agents, auth, default). */
export type BudgetClass = string;

export const userBudgetKey = (cls: BudgetClass, userId: string) => `nitro:rl:${cls}:u:${userId.toLowerCase()}`;
export const ipBudgetKey = (cls: BudgetClass, bucket: string) => `nitro:rl:${cls}:ip:${bucket}`;

/** Spends one unit from each counter; returns [count, ms left in its window] per key. */
export async function spendBudget(redis: Redis, keys: string[], windowMs: number): Promise<[number, number][]> {
  // Counters are independent: on Redis Cluster (user and address keys in different slots) one script per key.
  if (isCluster(redis) && keys.length > 1) return (await Promise.all(keys.map((k) => spendBudget(redis, [k], windowMs)))).flat();
  const res = (await redis.eval(CONSUME, keys.length, ...keys, String(windowMs))) as number[];
  return keys.map((_, i) => [Number(res[i * 2]), Number(res[i * 2 + 1])]);
}

export async function refundBudget(redis: Redis, keys: string[]): Promise<void> {
  if (isCluster(redis) && keys.length > 1) await Promise.all(keys.map((k) => redis.eval(REFUND, 1, k)));
  else await redis.eval(REFUND, keys.length, ...keys);
}

export interface UserCharge {
  allowed: boolean;
  limit: number;
  used: number;
  /** Seconds until the window resets. */
  resetS: number;
}

/** Charges one unit of `cls` to a user (limit 0 = unlimited: nothing is counted). */
export async function chargeUser(redis: Redis, cls: BudgetClass, userId: string, limit: number, windowS: number): Promise<UserCharge> {
  if (limit <= 0) return { allowed: true, limit, used: 0, resetS: 0 };
  const [[used, ttl]] = await spendBudget(redis, [userBudgetKey(cls, userId)], windowS * 1000);
  return { allowed: used <= limit, limit, used, resetS: Math.max(1, Math.ceil(ttl / 1000)) };
}
