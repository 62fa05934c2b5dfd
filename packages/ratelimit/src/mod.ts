/**
 * `@mly/ratelimit`: client-side rate limiting that uses almost all of a quota and never gets a
 * 429 — even spacing (GCRA, the default) or an exact sliding log (burst), slots timed from
 * when the response arrives, FIFO queues per key with `AbortSignal`, server feedback through
 * `pause`, bounded memory, and ready policies for Mapillary and Mapiq. Pure: web-standard
 * globals only. Implements the `RateLimiter` port of `@mly/auth-core`.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { policiesFor } from "@mly/ratelimit";
 *
 * const limiter = policiesFor(mapiq);
 * const permit = await limiter.acquire("GET https://api.mapiq.com/v2/buildings");
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
export { CompositeLimiter, type CompositePart, type CompositeResolver } from "./composite_limiter.ts";
export { policiesFor, ProviderRateLimiter, type PoliciesOptions } from "./policies.ts";
