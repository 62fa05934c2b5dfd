import type { HttpMethod, ProviderProfile } from "@mly/auth-core";

const _UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const _LONG_HEX = /^[0-9a-f]{16,}$/i;
const _NUMBER = /^\d+$/;

/** Whether a path segment looks like an identifier: a number, a UUID or a long hex string. */
export function _isIdLike(segment: string): boolean {
  return _NUMBER.test(segment) || _UUID.test(segment) || _LONG_HEX.test(segment);
}

/** Whether `url` is a tile URL of `profile` (under its `tilesBaseUrl`). */
export function _isTileUrl(profile: ProviderProfile, url: string): boolean {
  return profile.tilesBaseUrl !== undefined && _under(_parse(url), _parse(profile.tilesBaseUrl));
}

/**
 * The route template of a request, for per-endpoint rate-limit keys: the best match in the
 * profile's route table (most literal segments wins), else the path relative to the API base
 * with id-like segments (numbers, UUIDs, hex strings of 16+ digits) replaced by `{id}`. The query
 * string never matters.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { routeTemplate } from "@mly/ratelimit";
 *
 * routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42?fields=name"); // "/v2/buildings/{id}"
 * routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/floors/7/desks"); // "/v2/floors/{id}/desks"
 * ```
 */
export function routeTemplate(profile: ProviderProfile, method: HttpMethod, url: string): string {
  const target = _parse(url);
  const baseUrl = _isTileUrl(profile, url) ? profile.tilesBaseUrl : profile.apiBaseUrl;
  const base = baseUrl === undefined ? undefined : _parse(baseUrl);
  const path = base !== undefined && _under(target, base) ? target.pathname.slice(_trim(base.pathname).length) : target.pathname;
  const segments = _segments(path);
  let best: string | undefined;
  let bestLiterals = -1;
  for (const route of profile.routes) {
    if (route.method !== method) continue;
    const template = _segments(route.template);
    if (template.length !== segments.length) continue;
    let literals = 0;
    let matches = true;
    for (let i = 0; i < template.length && matches; i += 1) {
      const part = template[i] ?? "";
      if (part.startsWith("{") && part.endsWith("}")) continue;
      if (part === segments[i]) literals += 1;
      else matches = false;
    }
    if (matches && literals > bestLiterals) {
      best = route.template;
      bestLiterals = literals;
    }
  }
  return best ?? `/${segments.map((segment) => (_isIdLike(segment) ? "{id}" : segment)).join("/")}`;
}

function _parse(url: string): URL {
  return new URL(url, "http://relative.invalid");
}

function _trim(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

function _under(target: URL, base: URL): boolean {
  if (target.origin !== base.origin) return false;
  const prefix = _trim(base.pathname);
  return target.pathname === prefix || target.pathname.startsWith(`${prefix}/`);
}

function _segments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}
