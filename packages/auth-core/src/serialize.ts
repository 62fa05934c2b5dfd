import { StorageError } from "./errors.ts";
import { Secret } from "./secret.ts";
import type { TokenSet } from "./token_set.ts";
import { isObject, parseJson } from "./_json.ts";
import { logInAgain } from "./_fix.ts";

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
  const json: Record<string, unknown> = { v: TOKEN_FORMAT_VERSION };
  for (const spec of _FIELDS) {
    const key = spec.replace(/\W/g, "");
    const value = (tokens as unknown as Record<string, unknown>)[_camel(key)];
    json[key] = value instanceof Secret ? value.reveal() : value;
  }
  return JSON.stringify(json);
}

const _KINDS: readonly unknown[] = ["user", "client_app", "client_token"];

/**
 * The stored fields, in their stored order, and their checks: `?` may be absent or null, `!`
 * may be null but not absent, `#` is a finite number, `*` is a list of strings, else a string.
 * Each is the snake_case form of a {@link TokenSet} field.
 */
const _FIELDS = ["kind", "access_token", "token_type", "?refresh_token", "*scopes", "#issued_at", "!#expires_at", "?#not_before", "provider", "?issuer", "?subject", "?resource"];

function _camel(key: string): string {
  return key.replace(/_(.)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Reads a {@link TokenSet} written by {@link serializeTokenSet}. Never returns a half-read set.
 *
 * @throws {StorageError} the text is not a serialized token set of a known version (the message says which field is wrong).
 */
export function parseTokenSet(text: string): TokenSet {
  const value = parseJson(text);
  const fail = (what: string): StorageError => new StorageError(logInAgain(`bad stored token (${what})`), { reason: what });
  if (!isObject(value)) throw fail("not a JSON object");
  if (value["v"] !== TOKEN_FORMAT_VERSION) throw fail("version");
  const tokens: Record<string, unknown> = {};
  for (const spec of _FIELDS) {
    const key = spec.replace(/\W/g, "");
    const field = value[key];
    if ((spec.startsWith("?") && field == null) || (spec.startsWith("!") && field === null)) continue;
    const bad = spec.startsWith("*")
      ? !Array.isArray(field) || !field.every((scope) => typeof scope === "string")
      : spec.includes("#")
        ? typeof field !== "number" || !Number.isFinite(field)
        : typeof field !== "string" || (field === "" && key === "access_token");
    if (bad || (key === "kind" && !_KINDS.includes(field))) throw fail(key);
    tokens[_camel(key)] = key.endsWith("_token") ? new Secret(field as string) : Array.isArray(field) ? Object.freeze([...(field as string[])]) : field;
  }
  return Object.freeze({ refreshToken: undefined, expiresAt: null, notBefore: undefined, issuer: undefined, subject: undefined, ...tokens }) as unknown as TokenSet;
}
