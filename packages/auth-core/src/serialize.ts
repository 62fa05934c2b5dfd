import { StorageError } from "./errors.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { isObject, parseJson, type JsonObject } from "./_json.ts";
import { logInAgain } from "./_fix.ts";

/** The current version of the serialized token format. */
export const TOKEN_FORMAT_VERSION = 1;

/**
 * A {@link TokenSet} as it is stored: version {@link TOKEN_FORMAT_VERSION} of the format,
 * snake_case fields, timestamps in ms since the Unix epoch, token values in clear. Optional
 * fields are absent when the token set has no value for them.
 */
export interface TokenSetJSON {
  /** The format version. */
  v: typeof TOKEN_FORMAT_VERSION;
  /** {@link TokenSet.kind}. */
  kind: TokenKind;
  /** {@link TokenSet.accessToken}, in clear; never empty. */
  access_token: string;
  /** {@link TokenSet.tokenType}. */
  token_type: string;
  /** {@link TokenSet.refreshToken}, in clear. */
  refresh_token?: string;
  /** {@link TokenSet.scopes}. */
  scopes: string[];
  /** {@link TokenSet.issuedAt}. */
  issued_at: number;
  /** {@link TokenSet.expiresAt}; `null` when the token never expires. */
  expires_at: number | null;
  /** {@link TokenSet.notBefore}. */
  not_before?: number;
  /** {@link TokenSet.provider}. */
  provider: string;
  /** {@link TokenSet.issuer}. */
  issuer?: string;
  /** {@link TokenSet.subject}. */
  subject?: string;
  /** {@link TokenSet.resource}. */
  resource?: string;
}

const TOKEN_KINDS: readonly TokenKind[] = ["user", "client_app", "client_token"];

/**
 * Turns a {@link TokenSet} into its stored form, a plain JSON object (for a store that keeps
 * objects, such as IndexedDB, or embeds the token in a larger document). Along with
 * {@link serializeTokenSet} it is the only place token values are written out: treat its output
 * as a secret (file mode 0600, encrypted at rest, …).
 *
 * @example Store a token set inside a document of your own
 * ```ts
 * import { tokenSetToJSON, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const document = { savedAt: Date.now(), token: tokenSetToJSON(tokens) };
 * ```
 */
export function tokenSetToJSON(tokens: TokenSet): TokenSetJSON {
  // The field order is the stored order; optional fields are left out when unset.
  return {
    v: TOKEN_FORMAT_VERSION,
    kind: tokens.kind,
    access_token: tokens.accessToken.reveal(),
    token_type: tokens.tokenType,
    ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken.reveal() }),
    scopes: [...tokens.scopes],
    issued_at: tokens.issuedAt,
    expires_at: tokens.expiresAt,
    ...(tokens.notBefore === undefined ? {} : { not_before: tokens.notBefore }),
    provider: tokens.provider,
    ...(tokens.issuer === undefined ? {} : { issuer: tokens.issuer }),
    ...(tokens.subject === undefined ? {} : { subject: tokens.subject }),
    ...(tokens.resource === undefined ? {} : { resource: tokens.resource }),
  };
}

/**
 * Reads a {@link TokenSet} from its stored form (see {@link tokenSetToJSON}). This is the one
 * parser of stored tokens: every store reads through it. It checks every field and never returns
 * a half-read set; the result is frozen.
 *
 * @throws {StorageError} the value is not a stored token set of a known version. The error's
 * `reason` is `"unreadable_token"` and its `field` names the wrong field (`"v"` for an unknown
 * version, `undefined` when the value is not an object); neither it nor its message ever holds a
 * token value.
 *
 * @example Read a token set back from a document of your own
 * ```ts
 * import { tokenSetFromJSON } from "@mly/auth-core";
 *
 * declare const document: { token: unknown };
 * const tokens = tokenSetFromJSON(document.token);
 * ```
 *
 * @example Tell a damaged stored token from other storage errors
 * ```ts
 * import { StorageError, tokenSetFromJSON } from "@mly/auth-core";
 *
 * try {
 *   tokenSetFromJSON({ v: 1, kind: "user" });
 * } catch (error) {
 *   if (error instanceof StorageError && error.reason === "unreadable_token") console.log("damaged:", error.field); // "access_token"
 * }
 * ```
 */
export function tokenSetFromJSON(value: unknown): TokenSet {
  if (!isObject(value)) throw unreadable(undefined, "not a JSON object");
  if (value["v"] !== TOKEN_FORMAT_VERSION) throw unreadable("v", "unknown format version");
  // Object literal properties are evaluated in order: fields are read in their stored order, so
  // the first wrong one is the one reported.
  return Object.freeze({
    kind: readKind(value),
    accessToken: readAccessToken(value),
    tokenType: readString(value, "token_type"),
    refreshToken: readRefreshToken(value),
    scopes: readScopes(value),
    issuedAt: readTime(value, "issued_at"),
    expiresAt: readExpiry(value),
    notBefore: readOptionalTime(value, "not_before"),
    provider: readString(value, "provider"),
    issuer: readOptionalString(value, "issuer"),
    subject: readOptionalString(value, "subject"),
    // A token stored before `resource` existed has none: the field is left out, not set to undefined.
    ...readResource(value),
  });
}

/**
 * Serializes a {@link TokenSet} for storage as versioned JSON text: `JSON.stringify` of
 * {@link tokenSetToJSON}. Treat its output as a secret (file mode 0600, encrypted at rest, …).
 *
 * @example Round trip through text
 * ```ts
 * import { parseTokenSet, serializeTokenSet, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const copy = parseTokenSet(serializeTokenSet(tokens)); // equal field by field
 * ```
 */
export function serializeTokenSet(tokens: TokenSet): string {
  return JSON.stringify(tokenSetToJSON(tokens));
}

/**
 * Reads a {@link TokenSet} written by {@link serializeTokenSet}: `JSON.parse`, then
 * {@link tokenSetFromJSON}. Text that is not JSON is refused like a value that is not an object.
 *
 * @throws {StorageError} the text is not a serialized token set of a known version (`reason`
 * `"unreadable_token"`, `field` naming what is wrong; see {@link tokenSetFromJSON}).
 *
 * @example Read a stored token
 * ```ts
 * import { parseTokenSet } from "@mly/auth-core";
 *
 * declare const text: string;
 * const tokens = parseTokenSet(text);
 * ```
 */
export function parseTokenSet(text: string): TokenSet {
  return tokenSetFromJSON(parseJson(text));
}

/** The error for a stored token that cannot be read; `what` says it in words, `field` names the field. */
function unreadable(field: string | undefined, what: string): StorageError {
  return new StorageError(logInAgain(`bad stored token (${what})`), { reason: "unreadable_token", field });
}

/** The error for a field that is missing or of the wrong type. */
function badField(field: string): StorageError {
  return unreadable(field, field);
}

function readKind(json: JsonObject): TokenKind {
  const kind = json["kind"];
  if (!TOKEN_KINDS.includes(kind as TokenKind)) throw badField("kind");
  return kind as TokenKind;
}

/** The access token, never empty. */
function readAccessToken(json: JsonObject): Secret {
  const token = readString(json, "access_token");
  if (token === "") throw badField("access_token");
  return new Secret(token);
}

/** The refresh token, when there is one. */
function readRefreshToken(json: JsonObject): Secret | undefined {
  const token = readOptionalString(json, "refresh_token");
  return token === undefined ? undefined : new Secret(token);
}

function readString(json: JsonObject, field: string): string {
  const value = json[field];
  if (typeof value !== "string") throw badField(field);
  return value;
}

/** A string that may be absent or `null` (both read as `undefined`). */
function readOptionalString(json: JsonObject, field: string): string | undefined {
  return json[field] == null ? undefined : readString(json, field);
}

function readTime(json: JsonObject, field: string): number {
  const value = json[field];
  if (typeof value !== "number" || !Number.isFinite(value)) throw badField(field);
  return value;
}

/** A time that may be absent or `null` (both read as `undefined`). */
function readOptionalTime(json: JsonObject, field: string): number | undefined {
  return json[field] == null ? undefined : readTime(json, field);
}

/** `expires_at` must be present: a time, or `null` for a token that never expires. */
function readExpiry(json: JsonObject): number | null {
  return json["expires_at"] === null ? null : readTime(json, "expires_at");
}

/** `{ resource }` when the token set has one, else `{}`: the field is optional in a {@link TokenSet}. */
function readResource(json: JsonObject): { resource?: string } {
  const resource = readOptionalString(json, "resource");
  return resource === undefined ? {} : { resource };
}

function readScopes(json: JsonObject): readonly string[] {
  const value = json["scopes"];
  if (!Array.isArray(value)) throw badField("scopes");
  // A copy, with any hole as `undefined`: `every` alone would skip the holes of a sparse array.
  const scopes: unknown[] = Array.from(value);
  if (!scopes.every((scope) => typeof scope === "string")) throw badField("scopes");
  return Object.freeze(scopes);
}
