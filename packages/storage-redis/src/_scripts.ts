import { RedisScript } from "@mly/redis-script";

/** Lua scripts of the Redis store. Every script touches only keys of one hash tag. */

/** The version check shared by compare-and-set and compare-and-delete: ARGV[1] is `*` (any), `-` (none) or a version. */
const CHECK_VERSION = `
local current = redis.call('HGET', KEYS[1], 'version')
local expected = ARGV[1]
if expected ~= '*' then
  if expected == '-' then
    if current then return {0, current} end
  elseif current ~= expected then
    return {0, current or '-'}
  end
end
`;

/** Compare-and-set. KEYS: token. ARGV: expected (`*` any, `-` none, or a version), data, ttl ms (`0`: none). Reply: `{1, version}` or `{0, current or "-"}`. */
export const SET_SCRIPT: RedisScript = new RedisScript(`${CHECK_VERSION}
-- Versions come from the server clock (microseconds), and always grow: a version is never
-- reused, even after a delete, so a stale compare-and-set cannot succeed (no ABA).
local time = redis.call('TIME')
local version = math.max(tonumber(time[1]) * 1000000 + tonumber(time[2]), (tonumber(current) or 0) + 1)
local text = string.format('%.0f', version)
redis.call('HSET', KEYS[1], 'version', text)
redis.call('HSET', KEYS[1], 'data', ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
return {1, text}
`);

/** Compare-and-delete. KEYS: token. ARGV: expected. Reply: `{1, deleted 0|1}` or `{0, current or "-"}`. */
export const DELETE_SCRIPT: RedisScript = new RedisScript(`${CHECK_VERSION}
return {1, redis.call('DEL', KEYS[1])}
`);

/** Releases a lock only for its owner. KEYS: lock. ARGV: owner id. */
export const RELEASE_SCRIPT: RedisScript = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Moves a damaged entry aside if it is still the one that was read. KEYS: token, aside. ARGV: version read. */
export const QUARANTINE_SCRIPT: RedisScript = new RedisScript(`
if redis.call('HGET', KEYS[1], 'version') == ARGV[1] then
  redis.call('RENAME', KEYS[1], KEYS[2])
  return 1
end
return 0
`);
