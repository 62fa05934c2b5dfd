import { ScopeNotGrantedError, UnknownScopeError } from "./errors.ts";

/** Mapillary API v4 scopes. */
export const MAPILLARY_SCOPES = ["read", "write", "upload"] as const;
/** A Mapillary API v4 scope. */
export type MapillaryScope = (typeof MAPILLARY_SCOPES)[number];

/** Mapillary API v2 (legacy) scopes. */
export const MAPILLARY_V2_SCOPES = [
  "mapillary:user",
  "user:read",
  "user:write",
  "user:email",
  "public:write",
  "public:upload",
  "private:read",
  "private:write",
  "private:upload",
  "org:read",
  "org:write",
] as const;
/** A Mapillary API v2 scope. */
export type MapillaryV2Scope = (typeof MAPILLARY_V2_SCOPES)[number];

/** The one Mapiq scope. */
export const MAPIQ_SCOPES = ["https://api.mapiq.com/public/.default"] as const;
/** The Mapiq scope. */
export type MapiqScope = (typeof MAPIQ_SCOPES)[number];

/** RFC 6749 §3.3 scope-token characters: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Parses a space-delimited scope string (RFC 6749 §3.3) and checks every name against
 * `known` (pass `null` to accept any well-formed name).
 *
 * @throws {UnknownScopeError} a name is not in `known` or is not a valid scope token.
 *
 * @example
 * ```ts
 * import { MAPILLARY_SCOPES, parseScopes } from "@mly/auth-core";
 *
 * parseScopes("read  write", MAPILLARY_SCOPES, "mapillary"); // ["read", "write"]
 * ```
 */
export function parseScopes<S extends string>(value: string, known: readonly S[] | null, provider = "OAuth"): S[] {
  const names = value.split(/[ \t\n\r]+/).filter((name) => name !== "");
  return checkScopes(names, known, provider);
}

/**
 * Checks a list of scope names against `known`, dropping duplicates.
 *
 * @throws {UnknownScopeError} a name is unknown or not a valid scope token.
 *
 * @example
 * ```ts
 * import { MAPIQ_SCOPES, checkScopes } from "@mly/auth-core";
 *
 * checkScopes(["https://api.mapiq.com/public/.default"], MAPIQ_SCOPES, "Mapiq");
 * ```
 */
export function checkScopes<S extends string>(names: readonly string[], known: readonly S[] | null, provider = "OAuth"): S[] {
  const unknown = names.filter((name) => !SCOPE_TOKEN.test(name) || (known !== null && !(known as readonly string[]).includes(name)));
  if (unknown.length > 0) throw new UnknownScopeError(provider, unknown, known ?? ["any RFC 6749 scope token"]);
  return [...new Set(names)] as S[];
}

/**
 * Formats scopes as one space-delimited string (RFC 6749 §3.3), without duplicates.
 *
 * @example
 * ```ts
 * import { formatScopes } from "@mly/auth-core";
 *
 * formatScopes(["read", "write"]); // "read write"
 * ```
 */
export function formatScopes(scopes: readonly string[]): string {
  return [...new Set(scopes)].join(" ");
}

/**
 * Lists the requested scopes that were not granted.
 *
 * @example
 * ```ts
 * import { missingScopes } from "@mly/auth-core";
 *
 * missingScopes(["read", "upload"], ["read"]); // ["upload"]
 * ```
 */
export function missingScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((scope) => !have.has(scope));
}

/**
 * Throws unless every required scope was granted.
 *
 * @throws {ScopeNotGrantedError} listing the missing scopes.
 *
 * @example
 * ```ts
 * import { assertScopesGranted } from "@mly/auth-core";
 *
 * assertScopesGranted(["read"], ["read", "write"]);
 * ```
 */
export function assertScopesGranted(required: readonly string[], granted: readonly string[]): void {
  const missing = missingScopes(required, granted);
  if (missing.length > 0) throw new ScopeNotGrantedError(missing);
}
