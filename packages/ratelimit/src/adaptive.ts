/**
 * `@mly/ratelimit/adaptive`: limits per route, and limits learned from the server (seed 003:
 * "20 requests per minute per endpoint, but some endpoint can deviate"). Per-route overrides
 * come from the profile's policy (`RateLimitPolicy.routes`) or the options; after a 429 a route's
 * limit drops to what the limiter saw the server admit, and probes back up slowly. A subpath, so
 * the main entry stays within its size budget.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
 *
 * const limiter = adaptivePoliciesFor(mapiq, { routes: { "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } } });
 * const permit = await limiter.acquire(limiter.keyFor("GET", "https://api.mapiq.com/v2/reports/42"));
 * await permit.settle({ status: 200 });
 * ```
 *
 * @module
 */
import type { ProviderProfile } from "@mly/auth-core";
import { AdaptiveRateLimiter, type AdaptiveRateLimiterOptions } from "./adaptive_limiter.ts";
import { policiesFor, type PoliciesOptions, type ProviderRateLimiter } from "./policies.ts";
import type { RouteLimits } from "./route_limits.ts";

export { AdaptiveRateLimiter, createAdaptiveLimiter, type AdaptiveRateLimiterOptions } from "./adaptive_limiter.ts";
export { DEFAULT_PROBE_EVERY_WINDOWS, lowerLimit, probedLimit, routeOfKey, type LearnOptions, type RouteLimits } from "./route_limits.ts";

/** Options of {@link adaptivePoliciesFor}. */
export interface AdaptivePoliciesOptions extends Omit<PoliciesOptions, "create">, Pick<AdaptiveRateLimiterOptions, "learn"> {
  /** Per-route limits, on top of the profile's (`RateLimitPolicy.routes`); applied to `endpoint` policies. */
  routes?: RouteLimits | undefined;
}

/**
 * {@link policiesFor} with an {@link AdaptiveRateLimiter} per policy: the profile's documented
 * limits, its per-route limits and those of `options.routes`, and limits learned from 429s.
 * `@mly/fetch` uses it as its default limiter.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
 *
 * const limiter = adaptivePoliciesFor(mapiq, { learn: { probeEveryWindows: 10 } });
 * ```
 */
export function adaptivePoliciesFor(profile: ProviderProfile, options: AdaptivePoliciesOptions = {}): ProviderRateLimiter {
  const { routes, learn, ...shared } = options;
  return policiesFor(profile, {
    create: (policy) =>
      new AdaptiveRateLimiter({
        ...shared,
        limit: policy.limit,
        windowMs: policy.windowMs,
        routes: policy.per === "endpoint" ? { ...policy.routes, ...routes } : undefined,
        learn,
      }),
  });
}
