import { formatScopes } from "./scopes.ts";

/** What identifies a stored token: which provider and app, whose (profile or subject), and which scopes. */
export interface TokenKey {
  /** The profile id (`mapillary`, `mapiq`, …). */
  provider: string;
  /** The client id of the app. */
  clientId: string;
  /** A named profile (like mapillary_tools' `--user_name`) or the subject; default `default`. */
  profile?: string;
  /** Scopes the token was granted for; part of the key so a read-only token never serves an upload. */
  scopes?: readonly string[];
}

/**
 * Formats a {@link TokenKey} as a stable string: `provider:clientId:profile[:scopes]`, each part
 * percent-encoded so no part can forge another, scopes sorted.
 *
 * @example
 * ```ts
 * import { formatTokenKey } from "@mly/auth-core";
 *
 * formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "alice" }); // "mapillary:1234:alice"
 * ```
 */
export function formatTokenKey(key: TokenKey): string {
  const parts = [key.provider, key.clientId, key.profile ?? "default"];
  if (key.scopes !== undefined && key.scopes.length > 0) parts.push(formatScopes([...key.scopes].sort()));
  return parts.map((part) => encodeURIComponent(part)).join(":");
}

/**
 * Reads a key written by {@link formatTokenKey}; `undefined` when it is not one.
 */
export function parseTokenKey(text: string): TokenKey | undefined {
  const parts = text.split(":");
  if (parts.length < 3 || parts.length > 4) return undefined;
  try {
    const [provider, clientId, profile, scopes] = parts.map((part) => decodeURIComponent(part));
    if (provider === undefined || clientId === undefined || profile === undefined) return undefined;
    return scopes === undefined ? { provider, clientId, profile } : { provider, clientId, profile, scopes: scopes.split(" ") };
  } catch {
    return undefined;
  }
}
