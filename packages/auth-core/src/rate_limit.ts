/**
 * `@mly/auth-core/rate-limit`: what rate limiters need from the core. The keys a request counts
 * against ({@link rateLimitKeys}, {@link rateLimitTargets}: one per policy of the profile, per
 * route where the profile limits routes), and the throttle signals of each API
 * ({@link detectRateLimit}: 429 with `Retry-After`, Mapiq's "try again in N seconds", Graph
 * codes 4/17/613, `x-app-usage`). `@mly/ratelimit` and `@mly/ratelimit-redis` build on it.
 *
 * @example The keys of one Mapiq request
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { rateLimitKeys } from "@mly/auth-core/rate-limit";
 *
 * rateLimitKeys(mapiq, "GET", "https://api.mapiq.com/v2/buildings/7");
 * // ["mapiq:endpoint:GET /v2/buildings/{id}"]
 * ```
 *
 * @module
 */
export {
  policyOfKey,
  rateLimitKeys,
  rateLimitTargets,
  routeTemplate,
  type RateLimitTarget,
} from "./route_key.ts";
export {
  detectRateLimit,
  parseAppUsage,
  parseRetryAfter,
  parseTryAgainMessage,
  type DetectRateLimitOptions,
} from "./rate_limit_signal.ts";
