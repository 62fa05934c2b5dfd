import type { HttpMethod, ProviderProfile, RateLimitPolicy } from "@mly/auth-core";
import { _isTileUrl, routeTemplate } from "./route_template.ts";

/** One rate-limit budget a request spends: the policy and the limiter key within it. */
export interface PolicyKey {
  /** The provider's policy. */
  readonly policy: RateLimitPolicy;
  /** The key: `GET /v2/buildings/{id}` for `per: "endpoint"`, `<profile id>:<policy name>` for `per: "app"`. */
  readonly key: string;
}

/**
 * Every budget a request spends: one {@link PolicyKey} per profile policy that applies to it
 * (tile policies to URLs under `tilesBaseUrl`, API policies to the rest).
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { limiterKeys } from "@mly/ratelimit";
 *
 * limiterKeys(mapillary, "GET", "https://graph.mapillary.com/me").map((k) => k.key); // ["mapillary:graph"]
 * ```
 */
export function limiterKeys(profile: ProviderProfile, method: HttpMethod, url: string): PolicyKey[] {
  const appliesTo = _isTileUrl(profile, url) ? "tiles" : "api";
  const keys: PolicyKey[] = [];
  let template: string | undefined;
  for (const policy of profile.rateLimits) {
    if (policy.appliesTo !== appliesTo) continue;
    if (policy.per === "app") {
      keys.push({ policy, key: `${profile.id}:${policy.name}` });
    } else {
      template ??= routeTemplate(profile, method, url);
      keys.push({ policy, key: `${method} ${template}` });
    }
  }
  return keys;
}

/**
 * The limiter key of a request under `policy` (default: the first policy that applies):
 * `GET /v2/buildings/{id}` for per-endpoint policies (Mapiq), `mapillary:graph` or
 * `mapillary:tiles` for per-app ones. `undefined` when no policy applies.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { limiterKey } from "@mly/ratelimit";
 *
 * limiterKey(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42"); // "GET /v2/buildings/{id}"
 * ```
 */
export function limiterKey(profile: ProviderProfile, method: HttpMethod, url: string, policy?: RateLimitPolicy): string | undefined {
  const keys = limiterKeys(profile, method, url);
  return (policy === undefined ? keys[0] : keys.find((k) => k.policy === policy))?.key;
}
