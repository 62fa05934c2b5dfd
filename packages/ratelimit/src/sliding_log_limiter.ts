import { LocalRateLimiter, type RateLimiterOptions } from "./local_limiter.ts";

/** Options of {@link SlidingLogLimiter}: those of `createRateLimiter` without `mode`. */
export type SlidingLogLimiterOptions = Omit<RateLimiterOptions, "mode">;

/**
 * Burst mode: an exact sliding log. Up to `limit` requests at once; a slot comes back
 * `windowMs + marginMs` after its response arrived. Use it only against servers known to count
 * with an exact sliding log or clock-aligned fixed windows: a weighted two-window counter
 * answers 429s after a burst.
 *
 * @example
 * ```ts
 * import { SlidingLogLimiter } from "@mly/ratelimit";
 *
 * const limiter = new SlidingLogLimiter({ limit: 20, windowMs: 60_000 });
 * const permits = await Promise.all([1, 2, 3].map(() => limiter.acquire("GET /v2/users")));
 * for (const permit of permits) permit.settle({ status: 200 });
 * ```
 */
export class SlidingLogLimiter extends LocalRateLimiter {
  /** Creates a burst-mode limiter. */
  constructor(options: SlidingLogLimiterOptions) {
    super({ ...options, mode: "burst" });
  }
}
