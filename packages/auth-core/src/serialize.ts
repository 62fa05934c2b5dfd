import { StorageError } from "./errors.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { _isObject, _parseJson } from "./_json.ts";

/** The current version of the serialized token format. */
export const TOKEN_FORMAT_VERSION = 1;

/**
 * Serializes a {@link TokenSet} for storage as versioned JSON. This is the ONLY function that
 * writes token values out; treat its output as a secret (file mode 0600, encrypted at rest, …).
 *
 * @example
 * ```ts
 * import { parseTokenSet, serializeTokenSet, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const copy = parseTokenSet(serializeTokenSet(tokens)); // equal field by field
 * ```
 */
export function serializeTokenSet(tokens: TokenSet): string {
  return JSON.stringify({
    v: TOKEN_FORMAT_VERSION,
    kind: tokens.kind,
    access_token: tokens.accessToken.reveal(),
    token_type: tokens.tokenType,
    refresh_token: tokens.refreshToken?.reveal(),
    scopes: tokens.scopes,
    issued_at: tokens.issuedAt,
    expires_at: tokens.expiresAt,
    not_before: tokens.notBefore,
    provider: tokens.provider,
    issuer: tokens.issuer,
    subject: tokens.subject,
  });
}

const _KINDS: readonly unknown[] = ["user", "client_app", "client_token"];

/**
 * The stored fields and their checks: `?` may be absent or null, `!` may be null but not
 * absent, `#` is a finite number (else a string).
 */
const _FIELDS = ["kind", "access_token", "token_type", "provider", "?refresh_token", "?issuer", "?subject", "#issued_at", "?#not_before", "!#expires_at"];

/**
 * Reads a {@link TokenSet} written by {@link serializeTokenSet}. Never returns a half-read set.
 *
 * @throws {StorageError} the text is not a serialized token set of a known version (the message says which field is wrong).
 */
export function parseTokenSet(text: string): TokenSet {
  const value = _parseJson(text);
  const fail = (what: string): StorageError => new StorageError(`Stored token unreadable (${what}); log in again.`);
  if (!_isObject(value)) throw fail("not a JSON object");
  if (value["v"] !== TOKEN_FORMAT_VERSION) throw fail("unknown version");
  for (const spec of _FIELDS) {
    const key = spec.replace(/\W/g, "");
    const field = value[key];
    if ((spec.startsWith("?") && field == null) || (spec.startsWith("!") && field === null)) continue;
    const bad = spec.includes("#") ? typeof field !== "number" || !Number.isFinite(field) : typeof field !== "string" || (field === "" && key === "access_token");
    if (bad || (key === "kind" && !_KINDS.includes(field))) throw fail(key);
  }
  const scopes = value["scopes"];
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string")) throw fail("scopes");
  const field = value as Record<string, string | undefined>;
  const time = value as Record<string, number | undefined>;
  return Object.freeze({
    kind: field["kind"] as TokenKind,
    accessToken: new Secret(field["access_token"]!),
    tokenType: field["token_type"]!,
    refreshToken: field["refresh_token"] == null ? undefined : new Secret(field["refresh_token"]),
    scopes: Object.freeze([...(scopes)]),
    issuedAt: time["issued_at"]!,
    expiresAt: time["expires_at"] as number | null,
    notBefore: time["not_before"] ?? undefined,
    provider: field["provider"]!,
    issuer: field["issuer"] ?? undefined,
    subject: field["subject"] ?? undefined,
  } satisfies TokenSet);
}
