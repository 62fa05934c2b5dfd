import type { ProviderProfile } from "./profile.ts";

const _ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

/**
 * The operation a request calls, as `METHOD /template`: the profile's route table first
 * (`GET /v2/buildings/{id}`), else the path with id-like segments (numbers, UUIDs, long hex)
 * replaced by `{id}`. Query strings never count.
 *
 * @example
 * ```ts
 * import { mapiq, routeTemplate } from "@mly/auth-core";
 *
 * routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42?x=1"); // "GET /v2/buildings/{id}"
 * ```
 */
export function routeTemplate(profile: ProviderProfile, method: string, url: string | URL): string {
  const upper = method.toUpperCase();
  let path = new URL(url).pathname;
  const base = profile.apiBaseUrl === undefined ? "" : new URL(profile.apiBaseUrl).pathname.replace(/\/$/, "");
  if (base !== "" && path.startsWith(`${base}/`)) path = path.slice(base.length);
  const segments = path.split("/");
  for (const route of profile.routes) {
    if (route.method !== upper) continue;
    const parts = route.template.split("/");
    if (parts.length === segments.length && parts.every((part, i) => (part.startsWith("{") && part.endsWith("}") ? segments[i] !== "" : part === segments[i]))) {
      return `${upper} ${route.template}`;
    }
  }
  return `${upper} ${segments.map((segment) => (_ID_SEGMENT.test(segment) ? "{id}" : segment)).join("/")}`;
}

/**
 * The rate-limit keys a request counts against, one per applicable policy of the profile:
 * `mapiq:endpoint:GET /v2/buildings/{id}` for per-endpoint limits, `mapillary:graph` and
 * `mapillary:tiles` for per-app ones. A limiter acquires every key before sending.
 *
 * @example
 * ```ts
 * import { mapillary, rateLimitKeys } from "@mly/auth-core";
 *
 * rateLimitKeys(mapillary, "GET", "https://graph.mapillary.com/images?bbox=1,2,3,4"); // ["mapillary:graph"]
 * ```
 */
export function rateLimitKeys(profile: ProviderProfile, method: string, url: string | URL): string[] {
  const href = String(url);
  const target = profile.tilesBaseUrl !== undefined && href.startsWith(`${profile.tilesBaseUrl}/`) ? "tiles" : "api";
  const keys: string[] = [];
  for (const policy of profile.rateLimits) {
    if (policy.appliesTo !== target) continue;
    keys.push(policy.per === "app" ? `${profile.id}:${policy.name}` : `${profile.id}:${policy.name}:${routeTemplate(profile, method, href)}`);
  }
  return keys;
}
