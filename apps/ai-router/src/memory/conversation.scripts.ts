/**
 * Lua scripts: each memory change is one atomic step per Redis Cluster slot (docs/adr/0009-redis-cluster.md).
 * A user's conversation keys share the hash tag `{u:<user>}`, so the per-user scripts touch one slot;
 * the global counters behind chat.stats share `{chat-stats}` and are updated by their own script right
 * after (they may lag a crash between the two; the lists are the truth). Every key a script touches is passed in KEYS.
 */

/**
 * KEYS: list, sessions, titles, forks[, delivery] (one user's slot). ARGV: ttl_s, cap, now_ms, session, title, delivery_ttl_s,
 * msg... Returns the stored count. The forks hash (alternatives) lives as long as its conversation: its TTL is refreshed
 * here, in the same round trip. With a delivery key the write happens once per request: a second delivery of the same
 * request (the transport is at-least-once, ADR 0001) finds the key set and writes nothing.
 */
export const APPEND_SCRIPT = `
if KEYS[5] and not redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[6]) then return redis.call('LLEN', KEYS[1]) end
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
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[4], ARGV[5]) end
redis.call('EXPIRE', KEYS[3], ttl)
redis.call('EXPIRE', KEYS[4], ttl)
return n
`;

/** KEYS: active, counts, total (the stats slot). ARGV: now_ms, member, stored count. Records a session's new size. */
export const STATS_NOTE_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('INCRBY', KEYS[3], tonumber(ARGV[3]) - old)
return 1
`;

/** KEYS: sessions, titles, list... (one user's slot). ARGV: session... (same order as the lists). Returns messages removed. */
export const DELETE_SCRIPT = `
local cleared = 0
for i = 1, #ARGV do
  local id = ARGV[i]
  local list = KEYS[2 + i]
  cleared = cleared + redis.call('LLEN', list)
  redis.call('DEL', list)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
return cleared
`;

/** KEYS: active, counts, total (the stats slot). ARGV: member... Forgets deleted sessions. */
export const STATS_FORGET_SCRIPT = `
for i = 1, #ARGV do
  local m = ARGV[i]
  redis.call('ZREM', KEYS[1], m)
  local old = tonumber(redis.call('HGET', KEYS[2], m) or '0')
  redis.call('HDEL', KEYS[2], m)
  redis.call('DECRBY', KEYS[3], old)
end
return 1
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

/*
 * Branches (Regenerate, Edit). The conversation list always holds the branch being shown, so the
 * model's context is read from it as before; the alternatives live in a hash beside it, one field
 * per position: { v: [tail | false …], a: <1-based index of the one shown, whose slot is false>,
 * k: kind, b: where the tails begin }. Edit keeps versions of the question at the question's
 * position i; Regenerate keeps answers to it at the answer's position i + 1, so each version of a
 * question keeps its own answers (the question's entry sets aside the answer's with the rest).
 * Both kinds' tails begin at the question (b = i), as the question is sent again. A tail is
 * { m: [raw message JSON…], f: { [pos > field]: entry } }: the messages from b on and the
 * alternatives further down that belong to them, so switching restores nested branches too.
 * Entries without b (before Regenerate had its own field) begin at their field: versions of a question.
 */
const TAKE_TAIL = `
local function take_tail(list, forks, from, above)
  local tail = { m = redis.call('LRANGE', list, from, -1), f = {} }
  local all = redis.call('HGETALL', forks)
  for x = 1, #all, 2 do
    local pos = tonumber(all[x])
    if pos and pos > above then
      tail.f[all[x]] = cjson.decode(all[x + 1])
      redis.call('HDEL', forks, all[x])
    end
  end
  if from == 0 then redis.call('DEL', list) else redis.call('LTRIM', list, 0, from - 1) end
  return tail
end
`;

/**
 * KEYS: list, forks. ARGV: index (the question), kind, ttl_s. Sets messages[index..] aside as an alternative at index (edit)
 * or index + 1 (regenerate); returns the alternatives' count (0: nothing there; -1: the message there is not the user's).
 */
export const FORK_SCRIPT = `${TAKE_TAIL}
local i = tonumber(ARGV[1])
if i >= redis.call('LLEN', KEYS[1]) then return 0 end
-- Alternatives start at a question: forking at an answer would hide the rest with no way back in the app.
if cjson.decode(redis.call('LINDEX', KEYS[1], i)).role ~= 'user' then return -1 end
local at = i
if ARGV[2] ~= 'edit' then at = i + 1 end
local raw = redis.call('HGET', KEYS[2], tostring(at))
local e
if raw then e = cjson.decode(raw) else e = { v = { false }, a = 1, k = ARGV[2], b = i } end
-- An entry from before Regenerate had its own field may hold both kinds: once one is an edit, they are versions.
if ARGV[2] == 'edit' then e.k = 'edit' end
e.v[e.a] = take_tail(KEYS[1], KEYS[2], i, at)
table.insert(e.v, false)
e.a = #e.v
redis.call('HSET', KEYS[2], tostring(at), cjson.encode(e))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return #e.v
`;

/**
 * KEYS: list, forks. ARGV: index (a field of the forks hash: a branches key), variant (0-based), ttl_s. Shows another
 * alternative; returns 1, or 0 when there is none such. An empty version being left (nothing was stored in it) is
 * dropped, and with one version left the position has no alternatives.
 */
export const SELECT_SCRIPT = `${TAKE_TAIL}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return 0 end
local e = cjson.decode(raw)
local k = tonumber(ARGV[2]) + 1
if k < 1 or k > #e.v then return 0 end
if k == e.a then return 1 end
local at = tonumber(ARGV[1])
local left = take_tail(KEYS[1], KEYS[2], tonumber(e.b or at), at)
local target = e.v[k]
if #left.m == 0 and next(left.f) == nil then
  -- The version being left holds nothing (a Regenerate or Edit whose answer failed): drop it, not keep an empty alternative.
  table.remove(e.v, e.a)
  if k > e.a then k = k - 1 end
else
  e.v[e.a] = left
end
e.v[k] = false
e.a = k
if #target.m > 0 then redis.call('RPUSH', KEYS[1], unpack(target.m)) end
for pos, entry in pairs(target.f) do redis.call('HSET', KEYS[2], pos, cjson.encode(entry)) end
if #e.v > 1 then redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(e)) else redis.call('HDEL', KEYS[2], ARGV[1]) end
local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return 1
`;
