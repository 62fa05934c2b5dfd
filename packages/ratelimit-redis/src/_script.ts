import { RedisScript } from "@mly/redis-script";

/**
 * The one Lua script of the Redis limiter; every operation is a single EVALSHA of it, so each
 * acquire is one round trip and atomic. Times are the Redis server's (`TIME`), in microseconds.
 *
 * KEYS: 1 = sorted set of settled slots (score: settle time), 2 = sorted set of permits in flight
 * (score: lease deadline), 3 = hash `lg` last grant (even spacing), `pu` paused until. The three
 * share one hash tag, so the script works on Redis Cluster.
 *
 * ARGV[1] is the operation:
 * - `acquire` limit spanUs spacingUs leaseUs id ttlMs dueUs → {1, grantUs, previousGrantUs|-1} or {0, waitUs, nowUs}
 *   (`dueUs`: when the previous denial said the slot would be free, 0 on a first attempt)
 * - `settle` id pauseUs ttlMs → 1 if the permit was in flight
 * - `cancel` id grantUs previousGrantUs ttlMs → 1 if the permit was in flight
 * - `pause` waitUs ttlMs → the pause deadline
 */
export const _SCRIPT: RedisScript = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local op = ARGV[1]
local function expire(ttl)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
if op == 'acquire' then
  local limit = tonumber(ARGV[2])
  local span = tonumber(ARGV[3])
  local spacing = tonumber(ARGV[4])
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
end
return redis.error_reply('unknown operation')
`);
