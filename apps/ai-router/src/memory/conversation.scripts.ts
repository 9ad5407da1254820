/**
 * Lua scripts: each memory change is one atomic step, so the global counters that feed
 * chat.stats never disagree with the lists (no read-modify-write races between replicas).
 * Every key a script touches is passed in KEYS.
 */

/** KEYS: list, sessions, titles, active, counts, total. ARGV: ttl_s, cap, now_ms, session, member, title, msg... */
export const APPEND_SCRIPT = `
local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 7))
local cap = tonumber(ARGV[2])
if n > cap then
  redis.call('LTRIM', KEYS[1], -cap, -1)
  n = cap
end
local ttl = tonumber(ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[2], ttl)
if ARGV[6] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[4], ARGV[6]) end
redis.call('EXPIRE', KEYS[3], ttl)
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[5])
local old = tonumber(redis.call('HGET', KEYS[5], ARGV[5]) or '0')
redis.call('HSET', KEYS[5], ARGV[5], n)
redis.call('INCRBY', KEYS[6], n - old)
return n
`;

/** KEYS: sessions, titles, active, counts, total, list... ARGV: member prefix, session... (same order as the lists). */
export const DELETE_SCRIPT = `
local cleared = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local list = KEYS[4 + i]
  cleared = cleared + redis.call('LLEN', list)
  redis.call('DEL', list)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  local m = ARGV[1] .. id
  redis.call('ZREM', KEYS[3], m)
  local old = tonumber(redis.call('HGET', KEYS[4], m) or '0')
  redis.call('HDEL', KEYS[4], m)
  redis.call('DECRBY', KEYS[5], old)
end
return cleared
`;

/** KEYS: active, counts, total. ARGV: cutoff_ms. Forgets sessions Redis has expired; returns {sessions, messages}. */
export const STATS_SCRIPT = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, m in ipairs(gone) do
  local old = tonumber(redis.call('HGET', KEYS[2], m) or '0')
  redis.call('HDEL', KEYS[2], m)
  redis.call('DECRBY', KEYS[3], old)
end
if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1]) end
return { redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0') }
`;
