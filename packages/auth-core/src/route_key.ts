import type { ProviderProfile, RateLimitPolicy } from "./profile.ts";

const ID_LIKE = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

/** One rate-limit budget a request spends: the policy, and the limiter key within it. */
export interface RateLimitTarget {
  /** The provider's policy. */
  readonly policy: RateLimitPolicy;
  /** `mapiq:endpoint:GET /v2/buildings/{id}` for per-endpoint policies, `mapillary:graph` for per-app ones. */
  readonly key: string;
}

/**
 * The operation a request calls, as `METHOD /template`: the best match in the profile's route
 * table (most literal segments wins), else the path relative to the API (or tiles) base with
 * id-like segments (numbers, UUIDs, hex strings of 16+ digits) replaced by `{id}`. The query
 * string never counts; relative URLs are read against the API base.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { routeTemplate } from "@mly/auth-core/rate-limit";
 *
 * routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42?x=1"); // "GET /v2/buildings/{id}"
 * ```
 */
export function routeTemplate(profile: ProviderProfile, method: string, url: string | URL): string {
  return templateOf(compiledProfile(profile), method, parse(url));
}

function templateOf(compiled: CompiledProfile, method: string, target: Target): string {
  const upper = method.toUpperCase();
  const base = isTileUrl(compiled, target) ? compiled.tiles : compiled.api;
  const path = base !== undefined && isUnder(target, base) ? target.pathname.slice(base.path.length) : target.pathname;
  const segments = pathSegments(path);
  let best: string | undefined;
  let bestLiterals = -1;
  for (const route of compiled.routes) {
    if (route.method !== upper || route.parts.length !== segments.length || route.literals <= bestLiterals) continue;
    if (route.parts.every((part, i) => part === undefined || part === segments[i])) {
      best = route.template;
      bestLiterals = route.literals;
    }
  }
  return `${upper} ${best ?? `/${segments.map((segment) => (ID_LIKE.test(segment) ? "{id}" : segment)).join("/")}`}`;
}

/**
 * Every rate-limit budget a request spends, one per applicable policy of the profile (tile
 * policies for URLs under `tilesBaseUrl`, API policies for the rest).
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { rateLimitTargets } from "@mly/auth-core/rate-limit";
 *
 * rateLimitTargets(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42")[0]?.key; // "mapiq:endpoint:GET /v2/buildings/{id}"
 * ```
 */
export function rateLimitTargets(profile: ProviderProfile, method: string, url: string | URL): RateLimitTarget[] {
  if (profile.rateLimits.length === 0) return [];
  const compiled = compiledProfile(profile);
  const target = parse(url);
  const appliesTo = isTileUrl(compiled, target) ? "tiles" : "api";
  const targets: RateLimitTarget[] = [];
  let template: string | undefined;
  for (const policy of profile.rateLimits) {
    if (policy.appliesTo !== appliesTo) continue;
    if (policy.per === "app") {
      targets.push({ policy, key: `${profile.id}:${policy.name}` });
    } else {
      template ??= templateOf(compiled, method, target);
      targets.push({ policy, key: `${profile.id}:${policy.name}:${template}` });
    }
  }
  return targets;
}

/**
 * The rate-limit keys a request counts against (see {@link rateLimitTargets}): a limiter
 * acquires every one before the request is sent.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { rateLimitKeys } from "@mly/auth-core/rate-limit";
 *
 * rateLimitKeys(mapillary, "GET", "https://graph.mapillary.com/images?bbox=1,2,3,4"); // ["mapillary:graph"]
 * ```
 */
export function rateLimitKeys(profile: ProviderProfile, method: string, url: string | URL): string[] {
  return rateLimitTargets(profile, method, url).map((target) => target.key);
}

/**
 * The policy a key from {@link rateLimitTargets} belongs to (`mapiq:endpoint:…` → the
 * `endpoint` policy), or `undefined` for a key of another format or provider.
 */
export function policyOfKey(profile: ProviderProfile, key: string): RateLimitPolicy | undefined {
  if (!key.startsWith(`${profile.id}:`)) return undefined;
  const name = key.slice(profile.id.length + 1).split(":", 1)[0];
  return profile.rateLimits.find((policy) => policy.name === name);
}

/** A base URL as the templates need it: its origin, and its path without a trailing slash. */
interface Base {
  readonly origin: string;
  readonly path: string;
}

/** A route of the profile's table: `{…}` parts are `undefined` (any segment matches). */
interface Route {
  readonly method: string;
  readonly template: string;
  readonly parts: readonly (string | undefined)[];
  /** Its literal (non-`{…}`) parts: the most literal matching route wins. */
  readonly literals: number;
}

/** What the templates read of a profile, worked out once: its base URLs and its route table. */
interface CompiledProfile {
  readonly api: Base | undefined;
  readonly tiles: Base | undefined;
  readonly routes: readonly Route[];
}

/** A profile is read-only data: what the templates need of it is worked out once per profile object. */
const compiledProfiles = new WeakMap<ProviderProfile, CompiledProfile>();

function compiledProfile(profile: ProviderProfile): CompiledProfile {
  let compiled = compiledProfiles.get(profile);
  if (compiled === undefined) {
    compiled = {
      api: parseBase(profile.apiBaseUrl),
      tiles: parseBase(profile.tilesBaseUrl),
      routes: profile.routes.map((route) => {
        const parts = pathSegments(route.template).map((part) => (part.startsWith("{") && part.endsWith("}") ? undefined : part));
        return { method: route.method, template: route.template, parts, literals: parts.filter((part) => part !== undefined).length };
      }),
    };
    compiledProfiles.set(profile, compiled);
  }
  return compiled;
}

function parseBase(url: string | undefined): Base | undefined {
  if (url === undefined) return undefined;
  const parsed = parse(url);
  return { origin: parsed.origin, path: trim(parsed.pathname) };
}

function isTileUrl(compiled: CompiledProfile, target: Target): boolean {
  return compiled.tiles !== undefined && isUnder(target, compiled.tiles);
}

/** The parts of a URL the templates read, read once (every getter of a `URL` builds its string anew). */
interface Target {
  readonly origin: string;
  readonly pathname: string;
}

function parse(url: string | URL): Target {
  const parsed = new URL(url, "http://relative.invalid");
  return { origin: parsed.origin, pathname: parsed.pathname };
}

function trim(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

function isUnder(target: Target, base: Base): boolean {
  if (target.origin !== base.origin) return false;
  return target.pathname === base.path || target.pathname.startsWith(`${base.path}/`);
}

function pathSegments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}
