/**
 * `@mly/ratelimit-redis`: a `RateLimiter` shared by every process through Redis — one Lua script
 * per acquire on the server's clock, hash-tagged keys for Redis Cluster, EVALSHA with NOSCRIPT
 * fallback, fail-closed by default. Bring your own ioredis or node-redis client.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { mapiq } from "@mly/auth-core";
 * import { policiesFor } from "@mly/ratelimit/policies";
 * import { RedisRateLimiter } from "@mly/ratelimit-redis";
 *
 * const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
 * const limiter = policiesFor(mapiq, {
 *   create: (policy) => new RedisRateLimiter({ client, limit: policy.limit, windowMs: policy.windowMs, prefix: "mly:rl:mapiq" }),
 * });
 * const permit = await limiter.acquire("GET https://api.mapiq.com/v2/buildings");
 * await permit.settle({ status: 200 });
 * ```
 *
 * @module
 */
export {
  RedisRateLimiter,
  type RedisFallbackOptions,
  type RedisRateLimiterOptions,
} from "./redis_rate_limiter.ts";
