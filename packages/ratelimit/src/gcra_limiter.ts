import { LocalRateLimiter, type RateLimiterOptions } from "./local_limiter.ts";

/** Options of {@link GcraLimiter}: those of `createRateLimiter` without `mode`. */
export type GcraLimiterOptions = Omit<RateLimiterOptions, "mode">;

/**
 * The default limiter: even spacing (GCRA with no burst) plus a margin. One request every
 * `(windowMs + marginMs) / limit` ms, under a cap of `limit` slots per `windowMs + marginMs` timed
 * from when each response arrived. Safe against exact sliding-log, clock-aligned fixed-window and
 * weighted two-window servers alike.
 *
 * @example
 * ```ts
 * import { GcraLimiter } from "@mly/ratelimit";
 *
 * const limiter = new GcraLimiter({ limit: 20, windowMs: 60_000, marginMs: 1_000 });
 * limiter.spacingMs; // 3050
 * ```
 */
export class GcraLimiter extends LocalRateLimiter {
  /** Creates an even-spacing limiter. */
  constructor(options: GcraLimiterOptions) {
    super({ ...options, mode: "even" });
  }
}
