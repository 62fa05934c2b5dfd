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

const _KINDS: readonly TokenKind[] = ["user", "client_app", "client_token"];

/**
 * Reads a {@link TokenSet} written by {@link serializeTokenSet}. Never returns a half-read set.
 *
 * @throws {StorageError} the text is not a serialized token set of a known version (the message says which field is wrong).
 */
export function parseTokenSet(text: string): TokenSet {
  const value = _parseJson(text);
  const fail = (what: string): StorageError =>
    new StorageError(`Stored token unreadable (${what}); log in again.`);
  if (!_isObject(value)) throw fail("not a JSON object");
  if (value["v"] !== TOKEN_FORMAT_VERSION) throw fail("unknown version");
  const kind = value["kind"];
  if (typeof kind !== "string" || !(_KINDS as readonly string[]).includes(kind)) throw fail("kind");
  const str = (key: string): string => {
    const field = value[key];
    if (typeof field !== "string") throw fail(key);
    return field;
  };
  const optStr = (key: string): string | undefined => {
    const field = value[key];
    if (field === undefined || field === null) return undefined;
    if (typeof field !== "string") throw fail(key);
    return field;
  };
  const time = (key: string, optional: boolean): number | undefined => {
    const field = value[key];
    if ((field === undefined || field === null) && optional) return undefined;
    if (typeof field !== "number" || !Number.isFinite(field)) throw fail(key);
    return field;
  };
  const scopes = value["scopes"];
  if (!Array.isArray(scopes) || !scopes.every((scope): scope is string => typeof scope === "string")) throw fail("scopes");
  const accessToken = str("access_token");
  if (accessToken === "") throw fail("access_token");
  const refreshToken = optStr("refresh_token");
  const expires = value["expires_at"];
  if (expires !== null && (typeof expires !== "number" || !Number.isFinite(expires))) throw fail("expires_at");
  return Object.freeze({
    kind: kind as TokenKind,
    accessToken: new Secret(accessToken),
    tokenType: str("token_type"),
    refreshToken: refreshToken === undefined ? undefined : new Secret(refreshToken),
    scopes: Object.freeze([...scopes]),
    issuedAt: time("issued_at", false) ?? 0,
    expiresAt: expires,
    notBefore: time("not_before", true),
    provider: str("provider"),
    issuer: optStr("issuer"),
    subject: optStr("subject"),
  } satisfies TokenSet);
}
