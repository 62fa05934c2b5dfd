/**
 * `@mly/ratelimit/policies`: the rate limiter of a provider, ready to use — one limiter per
 * policy the provider documents (`profile.rateLimits`: Mapiq's 20 per minute per endpoint,
 * Mapillary's per-app budgets), each request taking a slot in every policy that applies
 * ({@link CompositeLimiter}).
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { policiesFor } from "@mly/ratelimit/policies";
 *
 * const limiter = policiesFor(mapiq);
 * const permit = await limiter.acquire(limiter.keyFor("GET", "https://api.mapiq.com/v2/buildings/42"));
 * await permit.settle({ status: 200 });
 * ```
 *
 * @module
 */
import type { HttpMethod, ProviderProfile, RateLimitPolicy, RateLimiter } from "@mly/auth-core";
import { ConfigError } from "@mly/auth-core";
import { policyOfKey, rateLimitTargets } from "@mly/auth-core/rate-limit";
import { CompositeLimiter, type CompositePart } from "./composite_limiter.ts";
import { LocalRateLimiter, type RateLimiterOptions } from "./local_limiter.ts";

export { CompositeLimiter, type CompositePart, type CompositeResolver } from "./composite_limiter.ts";

/** Options of {@link policiesFor}: limiter options shared by every policy, or a factory. */
export interface PoliciesOptions extends Omit<RateLimiterOptions, "limit" | "windowMs"> {
  /** Builds the limiter of one policy (e.g. a `RedisRateLimiter`); default: a {@link LocalRateLimiter}. */
  create?: (policy: RateLimitPolicy) => RateLimiter;
}

/**
 * The rate limiter of one provider, ready to use: one limiter per documented policy. It takes
 * the keys `@mly/fetch` sends — core's `rateLimitKeys` (`mapiq:endpoint:GET /v2/buildings/{id}`,
 * `mapillary:graph`), each routed to its policy's limiter — or a whole request line
 * (`keyFor("GET", url)` → `GET https://…`), which takes a slot in every policy that applies.
 * Requests no policy covers pass without waiting.
 */
export class ProviderRateLimiter extends CompositeLimiter {
  /** The provider. */
  declare readonly profile: ProviderProfile;
  /** The limiter of each policy, by policy name. */
  declare readonly limiters: ReadonlyMap<string, RateLimiter>;

  /**
   * Creates the limiter of `profile`, with one limiter per policy in `limiters` (read once: a
   * limiter added to that map later is not used). A policy key's budgets are worked out once and
   * remembered (up to 1,000 keys, the oldest forgotten first), so `partsOf` may return the same
   * array again.
   */
  constructor(profile: ProviderProfile, given: ReadonlyMap<string, RateLimiter>) {
    const limiters: ReadonlyMap<string, RateLimiter> = new Map(given);
    // A policy's key always names the same budgets: worked out once per key (a bounded number of them).
    const known = new Map<string, readonly CompositePart[]>();
    super((key) => {
      let parts = known.get(key);
      if (parts === undefined) {
        const policy = policyOfKey(profile, key);
        parts = partsOf(profile, limiters, key, policy);
        if (policy !== undefined) {
          if (known.size >= MAX_KNOWN_KEYS) known.delete(known.keys().next().value ?? "");
          known.set(key, parts);
        }
      }
      return parts;
    });
    this.profile = profile;
    this.limiters = limiters;
  }

  /** The key of a request for this limiter: `METHOD URL`. */
  keyFor(method: HttpMethod, url: string): string {
    return `${method} ${url}`;
  }
}

/** How many policy keys a {@link ProviderRateLimiter} remembers the budgets of (the oldest is forgotten first). */
const MAX_KNOWN_KEYS = 1000;

/** The budgets `key` spends: its policy's (a key of core's `rateLimitKeys`), or every policy a request line (`GET https://…`) falls under. */
function partsOf(profile: ProviderProfile, limiters: ReadonlyMap<string, RateLimiter>, key: string, policy: RateLimitPolicy | undefined): CompositePart[] {
  const space = key.indexOf(" ");
  if (!policy && !/^(GET|HEAD|P(OST|UT|ATCH)|DELETE) /.test(key)) throw new ConfigError(`No ${profile.name} rate-limit policy for "${key.slice(0, 80)}"`);
  const parts: CompositePart[] = [];
  // Scarcest (longest window) first.
  for (const target of (policy ? [{ policy, key }] : rateLimitTargets(profile, key.slice(0, space), key.slice(space + 1))).sort((a, b) => b.policy.windowMs - a.policy.windowMs)) {
    const limiter = limiters.get(target.policy.name);
    if (limiter) parts.push({ limiter, key: target.key });
  }
  return parts;
}

/**
 * Ready limiters for a provider's documented policies (`profile.rateLimits`): Mapiq's 20 per
 * minute per endpoint, Mapillary's 50 000 per minute (graph) and per day (tiles) per app.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { policiesFor } from "@mly/ratelimit/policies";
 *
 * const limiter = policiesFor(mapiq);
 * const url = "https://api.mapiq.com/v2/buildings/42";
 * const permit = await limiter.acquire(limiter.keyFor("GET", url));
 * const response = await fetch(url);
 * await permit.settle({ status: response.status });
 * ```
 */
export function policiesFor(profile: ProviderProfile, options: PoliciesOptions = {}): ProviderRateLimiter {
  const { create, ...shared } = options;
  return new ProviderRateLimiter(profile, new Map(profile.rateLimits.map((policy) => [policy.name, create?.(policy) ?? new LocalRateLimiter({ ...shared, ...policy })])));
}
