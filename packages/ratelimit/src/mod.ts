/**
 * `@mly/ratelimit`: a client-side rate limiter that uses almost all of a quota and never gets a
 * 429 — even spacing (GCRA, the default) or an exact sliding log (burst), slots timed from
 * when the response arrives, FIFO queues per key with `AbortSignal`, server feedback through
 * `pause`, bounded memory. Pure: web-standard globals only. Implements the `RateLimiter` port of
 * `@mly/auth-core`.
 *
 * Two subpaths build on it: `@mly/ratelimit/policies` (ready limiters for the documented
 * policies of Mapillary and Mapiq, and `CompositeLimiter` for several budgets per request) and
 * `@mly/ratelimit/adaptive` (limits per route, and limits learned from 429s).
 *
 * @example
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 *
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
 * const permit = await limiter.acquire("GET /v2/buildings/{id}");
 * await permit.settle({ status: 200 });
 * ```
 *
 * @module
 */
export {
  createRateLimiter,
  LocalRateLimiter,
  type KeyStats,
  type RateLimiterOptions,
  type RateLimitMode,
} from "./local_limiter.ts";
