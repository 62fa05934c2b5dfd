import { RedisScript } from "@mly/redis-script";

/**
 * The one Lua script of the Redis limiter; every operation is a single EVALSHA of it, atomic, on
 * the Redis server's clock (`TIME`, microseconds). Each operation makes a fixed, small number of
 * Redis calls, none of which walks the window: an acquire reserves its start time in one round
 * trip and the caller sleeps until then (no polling while at most `limit` permits are pending).
 *
 * KEYS (one hash tag, so the script works on Redis Cluster):
 * 1. `log` — a string: a ring of the last `limit` settle times (16 digits each, in settle order,
 *    never decreasing: a slot settled out of order counts from the newest one). Entry `i` of the
 *    ring is at offset `(i % cap) * 16`.
 * 2. `inf` — a sorted set of the pending permits (reserved, not yet settled or cancelled), scored
 *    by their lease deadline. Deadlines strictly increase with each reservation, so the score
 *    order is the reservation order.
 * 3. `st` — a hash: `tat` the earliest start of the next reservation (even spacing, GCRA's
 *    theoretical arrival time), `pt` the next estimate for a provisional reservation, `pu` paused
 *    until, `n` how many settles the ring has seen, `cap` the ring's size, `ld` the last lease
 *    deadline handed out, `ep` the epoch (raised by every pause and every learned limit: a
 *    reservation made before a change is made again), `ok` reservations since the key's state
 *    was created or last changed (probation: the first `limit` are checked at their time).
 * 4. `ll` — a hash: the limit learned from a 429, `l` the limit and `at` when (its own TTL: gone
 *    once probed back to the configured limit).
 *
 * The cap: a reservation starting at `s` may go when, besides itself, at most `limit - 1` permits
 * can be in the window at `s`: every pending permit (it may be in flight then) plus the settled
 * slots whose window (`span` from the settle) still covers `s`. So `s` ≥ (the `room`-th newest
 * settle) + `span`, where `room = limit - pending`: one ring read. When `room` ≤ 0 (more pending
 * permits than the limit) the start cannot be known yet: the reservation is provisional, its time
 * an estimate, and it is confirmed then (`confirm`, counting only the permits reserved before it).
 *
 * A learned limit rises by one every `probeUs` since `at`, up to the configured limit; `probeUs`
 * 0 turns learning off.
 *
 * ARGV[1] is the operation:
 * - `acquire` limit spanUs spacingUs leaseUs id ttlMs probeUs → a reservation:
 *   {startUs, nowUs, deadlineUs, previousTatUs, tatUs, epoch, flags} (`flags`: 1 provisional,
 *   2 check at the start time: the key has a learned limit, or is on probation — among the first
 *   `limit` reservations since its state was created, paused or taught a limit — so a 429 that
 *   pauses it reaches every waiter that slept, in any process, before it sends)
 * - `confirm` limit spanUs spacingUs leaseUs id ttlMs probeUs epoch → {1, grantUs, nowUs, epoch}
 *   go; {0, waitUs, nowUs, epoch} not yet; {2, …a new reservation} the reservation was lost
 *   (lease ran out) or the key changed since (pause, learned limit)
 * - `settle` id pauseUs ttlMs limit leaseUs spacingUs epoch [spanUs probeUs decidedUs] → {1 if the
 *   permit was pending, epoch} (`epoch`: the permit's reservation's);
 *   with the bracketed arguments (a 429) it first learns: the limit drops to the slots settled in
 *   the window plus the permits reserved before this one still pending, below the limit it ran
 *   at, unless a 429 learned since this permit was decided (reserved, or confirmed)
 * - `cancel` id previousTatUs tatUs → 1 if the permit was pending (the spacing is given back
 *   when no reservation came after it)
 * - `pause` waitUs ttlMs leaseUs spacingUs → {the pause deadline, epoch}
 * - `limit` limit probeUs → the limit in force now
 */
export const LIMITER_SCRIPT: RedisScript = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local op = ARGV[1]
local WIDTH = 16

local state = redis.call('HMGET', KEYS[3], 'tat', 'pt', 'pu', 'n', 'cap', 'ld', 'ep', 'ok')
local tat = tonumber(state[1] or '0')
local pt = tonumber(state[2] or '0')
local pu = tonumber(state[3] or '0')
local n = tonumber(state[4] or '0')
local cap = tonumber(state[5] or '0')
local ld = tonumber(state[6] or '0')
local ep = tonumber(state[7] or '0')
local ok = tonumber(state[8] or '0')

local function save()
  redis.call('HSET', KEYS[3], 'tat', tat, 'pt', pt, 'pu', pu, 'n', n, 'cap', cap, 'ld', ld, 'ep', ep, 'ok', ok)
end
-- kept a base TTL past the last time anything is scheduled
local function expire(ttl)
  ttl = ttl + math.ceil(math.max(0, tat - now, pt - now, pu - now) / 1000)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
-- the ring of settle times; a new size starts it afresh
local function useRing(size)
  if cap ~= size then
    redis.call('DEL', KEYS[1])
    n = 0
    cap = size
  end
end
local function ring(i)
  local offset = (i % cap) * WIDTH
  return tonumber(redis.call('GETRANGE', KEYS[1], offset, offset + WIDTH - 1))
end
local function record(at)
  if n > 0 then
    local last = ring(n - 1)
    if last ~= nil and last > at then at = last end
  end
  redis.call('SETRANGE', KEYS[1], (n % cap) * WIDTH, string.format('%016.0f', at))
  n = n + 1
end
-- when fewer than room settled slots cover the time: the room-th newest settle + span (0: now)
local function freeAt(room, span)
  if room > n then return 0 end
  local at = ring(n - room)
  if at == nil then return 0 end
  return at + span
end
-- settled slots whose window still covers now: the ring never decreases, so a binary search
local function settledInWindow(span)
  local low = math.max(0, n - cap)
  local high = n
  while low < high do
    local mid = math.floor((low + high) / 2)
    local at = ring(mid)
    if at ~= nil and at > now - span then high = mid else low = mid + 1 end
  end
  return n - low
end
-- permits nobody settled before their lease ran out count as settled then (a few per call)
local function expireLeases()
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'WITHSCORES', 'LIMIT', 0, 8)
  for i = 1, #expired, 2 do
    record(tonumber(expired[i + 1]))
    redis.call('ZREM', KEYS[2], expired[i])
  end
end
-- the limit in force: the configured one, or the learned one probed up since it was learned
local function effective(configured, probe)
  if probe <= 0 then return configured, nil end
  local learned = redis.call('HMGET', KEYS[4], 'l', 'at')
  if not learned[1] then return configured, nil end
  local at = tonumber(learned[2])
  return math.min(configured, tonumber(learned[1]) + math.floor(math.max(0, now - at) / probe)), at
end
local function spacingOf(configured, limit, span, spacing)
  if spacing > 0 and limit < configured then return math.ceil(span / limit) end
  return spacing
end
-- reserves the next start for id: after the spacing, the pause and the cap
local function reserve(configured, span, spacing, lease, id, probe)
  local limit, learnedAt = effective(configured, probe)
  spacing = spacingOf(configured, limit, span, spacing)
  local room = limit - redis.call('ZCARD', KEYS[2])
  local start = math.max(now, tat, pu)
  local flags = 0
  if room > 0 then
    start = math.max(start, freeAt(room, span))
  else
    flags = 1
    start = math.max(start, pt)
    pt = start + math.max(spacing, math.floor(span / limit))
  end
  local previous = tat
  tat = start + spacing
  ld = math.max(start + lease, ld + 1)
  redis.call('ZADD', KEYS[2], ld, id)
  if learnedAt ~= nil or ok < limit then flags = flags + 2 end
  ok = ok + 1
  return {start, now, ld, previous, tat, ep, flags}
end
-- the key was paused or taught a limit: the reservations still asleep are dropped (their callers
-- check at their time and reserve again, after the ones that went), and the next limit
-- reservations are on probation
local function changed(lease, spacing)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. string.format('%.0f', now + lease), '+inf')
  tat = math.min(tat, now + spacing)
  pt = math.min(pt, now)
  ok = 0
end

if op == 'acquire' or op == 'confirm' then
  local configured = tonumber(ARGV[2])
  local span = tonumber(ARGV[3])
  local spacing = tonumber(ARGV[4])
  local lease = tonumber(ARGV[5])
  local id = ARGV[6]
  local ttl = tonumber(ARGV[7])
  local probe = tonumber(ARGV[8])
  useRing(configured)
  expireLeases()
  local reply
  if op == 'acquire' then
    reply = reserve(configured, span, spacing, lease, id, probe)
  else
    local own = redis.call('ZSCORE', KEYS[2], id)
    if own and tonumber(ARGV[9]) == ep then
      local limit = effective(configured, probe)
      local wait = pu - now
      local room = limit - redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. own)
      if room > 0 then
        wait = math.max(wait, freeAt(room, span) - now)
      else
        -- the first pending permit frees room once it has started and settled: look again soon after
        local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
        local firstStart = tonumber(first[2]) - lease
        wait = math.max(wait, math.min(tonumber(first[2]) - now, math.max(firstStart - now, 0) + math.max(1000, math.min(20000, math.floor(span / limit)))))
      end
      if wait > 0 then reply = {0, wait, now, ep} else reply = {1, now, now, ep} end
    else
      if own then redis.call('ZREM', KEYS[2], id) end
      reply = reserve(configured, span, spacing, lease, id, probe)
      table.insert(reply, 1, 2)
    end
  end
  save()
  expire(ttl)
  return reply
elseif op == 'settle' then
  local id = ARGV[2]
  local lease = tonumber(ARGV[6])
  local before = ep
  local epoch = tonumber(ARGV[8])
  useRing(tonumber(ARGV[5]))
  if ARGV[9] then
    local configured = cap
    local span = tonumber(ARGV[9])
    local probe = tonumber(ARGV[10])
    local current, at = effective(configured, probe)
    if at == nil or at < tonumber(ARGV[11]) then
      local own = redis.call('ZSCORE', KEYS[2], id)
      local observed = settledInWindow(span)
      if own then observed = observed + redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. own) end
      local learned = math.max(1, math.min(current - 1, observed))
      redis.call('HSET', KEYS[4], 'l', learned, 'at', now)
      redis.call('PEXPIRE', KEYS[4], math.ceil(((configured - learned) * probe + span) / 1000))
      ep = ep + 1
    end
  end
  local settled = redis.call('ZREM', KEYS[2], id)
  -- a permit reserved before a change may have been dropped with the sleeping ones: count it anyway
  if settled == 1 or epoch < before then record(now) end
  local pause = tonumber(ARGV[3])
  if pause > 0 and now + pause > pu then
    pu = now + pause
    ep = ep + 1
  end
  if ep > before then changed(lease, tonumber(ARGV[7])) end
  save()
  expire(tonumber(ARGV[4]))
  return {settled, ep}
elseif op == 'cancel' then
  local cancelled = redis.call('ZREM', KEYS[2], ARGV[2])
  if cancelled == 1 and tat == tonumber(ARGV[4]) then
    tat = tonumber(ARGV[3])
    redis.call('HSET', KEYS[3], 'tat', tat)
  end
  return cancelled
elseif op == 'pause' then
  local until_ = now + tonumber(ARGV[2])
  if until_ > pu then
    pu = until_
    ep = ep + 1
    changed(tonumber(ARGV[4]), tonumber(ARGV[5]))
    save()
  end
  expire(tonumber(ARGV[3]))
  return {pu, ep}
elseif op == 'limit' then
  return (effective(tonumber(ARGV[2]), tonumber(ARGV[3])))
end
return redis.error_reply('unknown operation')
`);
