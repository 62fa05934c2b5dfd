/**
 * `@mly/redis-script`: the Redis client shape mly's Redis packages accept (ioredis `Redis` or
 * `Cluster`, node-redis `createClient` or `createCluster`, or any `send(args)`, adapted by
 * {@link toRedisCommander}) and {@link RedisScript}, a Lua script run with EVALSHA and an EVAL
 * fallback on NOSCRIPT. Web-standard only (`crypto.subtle`); no client library is a dependency.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { RedisScript, toRedisCommander } from "@mly/redis-script";
 *
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const incrementBy = new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
 * await incrementBy.run(toRedisCommander(client), ["counter"], ["5"]); // 5 on a fresh key
 * ```
 *
 * @module
 */
export { clientMistake } from "./client_mistake.ts";
export {
  firstKeyOf,
  toRedisCommander,
  type IoRedisLike,
  type NodeRedisClusterLike,
  type NodeRedisClusterNode,
  type NodeRedisLike,
  type RedisClientLike,
  type RedisCommander,
} from "./redis_client.ts";
export { RedisScript, type RedisScriptOptions } from "./redis_script.ts";
