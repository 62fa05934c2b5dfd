import { RedisScript } from "@mly/redis-script";

/**
 * The one Lua script of the Redis limiter; every operation is a single EVALSHA of it, so each
 * acquire is one round trip and atomic. Times are the Redis server's (`TIME`), in microseconds.
 *
 * KEYS: 1 = sorted set of settled slots (score: settle time), 2 = sorted set of permits in flight
 * (score: lease deadline), 3 = hash `lg` last grant (even spacing), `pu` paused until, 4 = hash of
 * the limit learned from a 429, `l` the limit and `at` when (its own TTL: gone once probed back to
 * the configured limit). The four share one hash tag, so the script works on Redis Cluster.
 *
 * A learned limit rises by one every `probeUs` since `at`, up to the configured limit; `probeUs`
 * 0 turns learning off.
 *
 * ARGV[1] is the operation:
 * - `acquire` limit spanUs spacingUs leaseUs id ttlMs dueUs probeUs → {1, grantUs, previousGrantUs|-1} or {0, waitUs, nowUs}
 *   (`dueUs`: when the previous denial said the slot would be free, 0 on a first attempt)
 * - `settle` id pauseUs ttlMs [limit spanUs probeUs grantUs] → 1 if the permit was in flight; with the
 *   bracketed arguments (a 429) it first learns: the limit drops to the slots settled in the window
 *   plus the permits granted before this one still in flight, below the limit it ran at, unless a
 *   429 learned since this permit's grant
 * - `cancel` id grantUs previousGrantUs ttlMs → 1 if the permit was in flight
 * - `pause` waitUs ttlMs → the pause deadline
 * - `limit` limit probeUs → the limit in force now
 */
export const LIMITER_SCRIPT: RedisScript = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local op = ARGV[1]
local function expire(ttl)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
-- the limit in force: the configured one, or the learned one probed up since it was learned
local function effective(configured, probe)
  if probe <= 0 then return configured, nil end
  local learned = redis.call('HMGET', KEYS[4], 'l', 'at')
  if not learned[1] then return configured, nil end
  local at = tonumber(learned[2])
  return math.min(configured, tonumber(learned[1]) + math.floor(math.max(0, now - at) / probe)), at
end
if op == 'acquire' then
  local configured = tonumber(ARGV[2])
  local span = tonumber(ARGV[3])
  local spacing = tonumber(ARGV[4])
  local limit = effective(configured, tonumber(ARGV[9] or '0'))
  if spacing > 0 and limit < configured then spacing = math.ceil(span / limit) end
  local lease = tonumber(ARGV[5])
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'WITHSCORES')
  for i = 1, #expired, 2 do
    redis.call('ZADD', KEYS[1], tonumber(expired[i + 1]), expired[i])
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
  local wait = tonumber(redis.call('HGET', KEYS[3], 'pu') or '0') - now
  local inflight = redis.call('ZCARD', KEYS[2])
  local logged = redis.call('ZCARD', KEYS[1])
  local count = inflight + logged
  if count >= limit then
    local index = count - limit
    if index < logged then
      local e = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
      wait = math.max(wait, tonumber(e[2]) + span - now)
    else
      local e = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      local poll = math.max(1000, math.floor(span / limit))
      wait = math.max(wait, math.min(tonumber(e[2]) - now, poll))
    end
  end
  local lastGrant = tonumber(redis.call('HGET', KEYS[3], 'lg') or '-1')
  local anchor = now
  if spacing > 0 then
    if lastGrant >= 0 then
      local earliest = lastGrant + spacing
      wait = math.max(wait, earliest - now)
      -- a caller retrying late (sleeps, timers, the round trip) keeps the slot it was told it was due
      local due = tonumber(ARGV[8])
      if due > 0 then anchor = math.min(now, math.max(earliest, due)) end
    end
  end
  if wait > 0 then return {0, wait, now} end
  redis.call('ZADD', KEYS[2], now + lease, ARGV[6])
  redis.call('HSET', KEYS[3], 'lg', anchor)
  expire(tonumber(ARGV[7]))
  return {1, anchor, lastGrant}
elseif op == 'settle' then
  local configured = tonumber(ARGV[5] or '0')
  if configured > 0 then
    local span = tonumber(ARGV[6])
    local probe = tonumber(ARGV[7])
    local current, at = effective(configured, probe)
    if at == nil or at < tonumber(ARGV[8]) then
      local own = redis.call('ZSCORE', KEYS[2], ARGV[2])
      local observed = redis.call('ZCOUNT', KEYS[1], string.format('(%.0f', now - span), '+inf')
      if own then observed = observed + redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. own) end
      local learned = math.max(1, math.min(current - 1, observed))
      redis.call('HSET', KEYS[4], 'l', learned, 'at', now)
      redis.call('PEXPIRE', KEYS[4], math.ceil(((configured - learned) * probe + span) / 1000))
    end
  end
  local settled = redis.call('ZREM', KEYS[2], ARGV[2])
  if settled == 1 then redis.call('ZADD', KEYS[1], now, ARGV[2]) end
  local pause = tonumber(ARGV[3])
  if pause > 0 then
    local pu = tonumber(redis.call('HGET', KEYS[3], 'pu') or '0')
    if now + pause > pu then redis.call('HSET', KEYS[3], 'pu', now + pause) end
  end
  expire(tonumber(ARGV[4]))
  return settled
elseif op == 'cancel' then
  local cancelled = redis.call('ZREM', KEYS[2], ARGV[2])
  if cancelled == 1 and redis.call('HGET', KEYS[3], 'lg') == ARGV[3] then
    if tonumber(ARGV[4]) < 0 then redis.call('HDEL', KEYS[3], 'lg') else redis.call('HSET', KEYS[3], 'lg', ARGV[4]) end
  end
  return cancelled
elseif op == 'pause' then
  local until_ = now + tonumber(ARGV[2])
  local pu = tonumber(redis.call('HGET', KEYS[3], 'pu') or '0')
  if until_ > pu then redis.call('HSET', KEYS[3], 'pu', until_) else until_ = pu end
  expire(tonumber(ARGV[3]))
  return until_
elseif op == 'limit' then
  return (effective(tonumber(ARGV[2]), tonumber(ARGV[3])))
end
return redis.error_reply('unknown operation')
`);
