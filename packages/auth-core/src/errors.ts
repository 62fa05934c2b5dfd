/**
 * The one error hierarchy of mly. Every error an mly package throws is an {@link MlyError}
 * with a stable {@link MlyError.code}; messages say what was wrong and what to do, and never
 * contain a token, a secret or a code.
 *
 * @module
 */

/** Stable machine-readable codes of {@link MlyError}. */
export type MlyErrorCode =
  | "oauth_error"
  | "authorization_error"
  | "invalid_callback"
  | "state_mismatch"
  | "login_required"
  | "invalid_token"
  | "invalid_response"
  | "graph_error"
  | "mapiq_error"
  | "mapillary_v2_error"
  | "http_error"
  | "rate_limited"
  | "unknown_scope"
  | "scope_not_granted"
  | "invalid_config"
  | "token_not_yet_valid"
  | "version_conflict"
  | "lock_timeout"
  | "queue_full"
  | "storage_error"
  | "backend_unavailable"
  | "transport_error"
  | "aborted";

/** Options every {@link MlyError} accepts. */
export interface MlyErrorOptions {
  /** The underlying error, if any. It must not carry secrets either. */
  cause?: unknown;
  /** The HTTP status of the response that caused the error, if any. */
  status?: number;
}

/** Base class of every error thrown by mly. Each subclass names itself explicitly, so `name` survives minification. */
export class MlyError extends Error {
  /** A stable code to branch on; the message is for humans and may change. */
  declare readonly code: MlyErrorCode;
  /** The HTTP status of the response behind this error, when there was one. */
  declare readonly status: number | undefined;

  /** Creates an error with a stable `code`. */
  constructor(code: MlyErrorCode, message: string, options: MlyErrorOptions = {}) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
  }

  /** A JSON form with the name, code, status, message and extra fields (never the cause, never a secret). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) if (value !== undefined) json[key] = value;
    return json;
  }
}

/** An RFC 6749 §5.2 error from a token endpoint (`{"error":"invalid_grant",…}`). */
export class OAuthError extends MlyError {
  override name = "OAuthError";
  /** The RFC 6749 error code, e.g. `invalid_grant`, `invalid_client`. */
  declare readonly error: string;
  /** The server's `error_description`, scrubbed of any secret sent in the request. */
  declare readonly errorDescription: string | undefined;
  /** The server's `error_uri`. */
  declare readonly errorUri: string | undefined;

  /** Creates an error for a token-endpoint error response. */
  constructor(
    error: string,
    details: { description?: string | undefined; uri?: string | undefined; hint?: string | undefined },
    options?: MlyErrorOptions,
  ) {
    super(
      "oauth_error",
      `token endpoint: ${describeOAuthError(error, details.description)}; ` +
        (details.hint ?? (error === "invalid_grant" ? "log in again" : `check ${error === "invalid_client" ? "client id and secret" : error === "invalid_scope" ? "scopes" : "the request"}`)),
      options,
    );
    this.error = error;
    this.errorDescription = details.description;
    this.errorUri = details.uri;
  }
}

/** The authorization server sent the user back with `?error=…` (for example `access_denied`, `user_denied`). */
export class AuthorizationError extends MlyError {
  override name = "AuthorizationError";
  /** The `error` parameter of the callback. */
  declare readonly error: string;
  /** The `error_description` parameter of the callback. */
  declare readonly errorDescription: string | undefined;

  /** Creates an error for an authorization response carrying `error`. */
  constructor(error: string, description: string | undefined) {
    super(
      "authorization_error",
      `login refused: ${describeOAuthError(error, description)}; ` + (/^(access|user)_denied$/.test(error) ? "the user declined" : "check client id, redirect URI, scopes"),
    );
    this.error = error;
    this.errorDescription = description;
  }
}

/** The callback URL is not a valid authorization response (no code, a token in it, wrong issuer, …). */
export class InvalidCallbackError extends MlyError {
  override name = "InvalidCallbackError";
  /** Creates an error for a malformed or unsafe callback. */
  constructor(message: string) {
    super("invalid_callback", message);
  }
}

/** The callback's `state` does not match the pending login, or the login was already completed. */
export class StateMismatchError extends MlyError {
  override name = "StateMismatchError";
  /** Creates an error for a `state` that does not match. */
  constructor(message: string) {
    super("state_mismatch", message);
  }
}

/** There is no usable token and none can be obtained without the user: log in again. */
export class LoginRequiredError extends MlyError {
  override name = "LoginRequiredError";
  /** Creates an error saying the user must log in again. */
  constructor(message: string, options?: MlyErrorOptions) {
    super("login_required", message, options);
  }
}

/** A response that does not follow the protocol (not JSON, a field of the wrong type, …). */
export class InvalidResponseError extends MlyError {
  override name = "InvalidResponseError";
  /** Creates an error for a response that could not be understood. */
  constructor(message: string, options?: MlyErrorOptions) {
    super("invalid_response", message, options);
  }
}

/** A Mapillary Graph API error: `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}`. */
export class GraphApiError extends MlyError {
  override name = "GraphApiError";
  /** The Graph error code (190 bad token, 100 bad request, 4/17/613 throttled). */
  declare readonly graphCode: number | undefined;
  /** The Graph error type, e.g. `OAuthException`, `MLYApiException`. */
  declare readonly type: string | undefined;
  /** The Graph `error_subcode`. */
  declare readonly subcode: number | undefined;
  /** The Graph `is_transient` flag. */
  declare readonly isTransient: boolean;
  /** The Graph `fbtrace_id`, for support requests. */
  declare readonly fbtraceId: string | undefined;

  /** Creates an error for a Graph error body. */
  constructor(
    details: {
      message: string;
      code?: number | undefined;
      type?: string | undefined;
      subcode?: number | undefined;
      isTransient?: boolean | undefined;
      fbtraceId?: string | undefined;
    },
    options?: MlyErrorOptions,
  ) {
    const code = details.code;
    super(
      "graph_error",
      `graph error ${code ?? "?"}: ${details.message}` + (code === 190 ? "; log in again" : GRAPH_THROTTLE_CODES.includes(code ?? 0) ? "; slow down" : ""),
      options,
    );
    this.graphCode = code;
    this.type = details.type;
    this.subcode = details.subcode;
    this.isTransient = details.isTransient ?? false;
    this.fbtraceId = details.fbtraceId;
  }
}

/** A Mapiq (Azure API Management) error: `{"statusCode":…,"message":…}`. */
export class MapiqApiError extends MlyError {
  override name = "MapiqApiError";
  /** The `statusCode` field of the body. */
  declare readonly statusCode: number | undefined;
  /** The `message` field of the body. */
  declare readonly serverMessage: string;

  /** Creates an error for a Mapiq error body. */
  constructor(statusCode: number | undefined, serverMessage: string, options: MlyErrorOptions = {}) {
    super("mapiq_error", `Mapiq error ${statusCode ?? options.status ?? "?"}: ${serverMessage}`, options);
    this.statusCode = statusCode;
    this.serverMessage = serverMessage;
  }
}

/** A Mapillary v2 error: `{"code":"client_id_invalid","message":…}`. */
export class MapillaryV2Error extends MlyError {
  override name = "MapillaryV2Error";
  /** The `code` field of the body, e.g. `client_id_invalid`. */
  declare readonly errorCode: string;

  /** Creates an error for a Mapillary v2 error body. */
  constructor(errorCode: string, serverMessage: string, options?: MlyErrorOptions) {
    super("mapillary_v2_error", `Mapillary v2 error ${errorCode}: ${serverMessage}`, options);
    this.errorCode = errorCode;
  }
}

/** An HTTP error whose body follows no known shape. */
export class HttpError extends MlyError {
  override name = "HttpError";
  /** Creates an error for an unexpected HTTP status. */
  constructor(status: number, message: string) {
    super("http_error", message, { status });
  }
}

/** Where a {@link RateLimitedError} learnt how long to wait. */
export type RateLimitSource = "retry-after" | "message" | "graph-code" | "app-usage" | "backoff" | "limiter";

/** The server (or the client-side limiter) says: slow down, and for how long. */
export class RateLimitedError extends MlyError {
  override name = "RateLimitedError";
  /** How long to wait before the next request on this key, in milliseconds. */
  declare readonly retryAfterMs: number;
  /** Where the wait came from. */
  declare readonly source: RateLimitSource;

  /** Creates an error asking the caller to wait `retryAfterMs`. */
  constructor(retryAfterMs: number, source: RateLimitSource, options: MlyErrorOptions & { detail?: string | undefined } = {}) {
    super("rate_limited", `rate limited${options.detail === undefined ? "" : ` (${options.detail})`}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, options);
    this.retryAfterMs = retryAfterMs;
    this.source = source;
  }
}

/** A scope name the provider does not know. */
export class UnknownScopeError extends MlyError {
  override name = "UnknownScopeError";
  /** The unknown scope names. */
  declare readonly scopes: readonly string[];

  /** Creates an error listing the unknown scopes and the known ones. */
  constructor(provider: string, scopes: readonly string[], known: readonly string[]) {
    super("unknown_scope", `unknown ${provider} scopes ${scopes.join(" ")}; use ${known.join(" ")}`);
    this.scopes = scopes;
  }
}

/** The server granted fewer scopes than were required. */
export class ScopeNotGrantedError extends MlyError {
  override name = "ScopeNotGrantedError";
  /** The scopes that were required but not granted. */
  declare readonly missing: readonly string[];

  /** Creates an error listing the missing scopes. */
  constructor(missing: readonly string[]) {
    super(
      "scope_not_granted",
      `The server did not grant the scope${missing.length > 1 ? "s" : ""} ${missing.join(", ")}. ` +
        "Check that the app is registered with these scopes, then log in again and approve them.",
    );
    this.missing = missing;
  }
}

/** The caller's configuration or arguments are not usable (missing secret, unsafe redirect URI, …). */
export class ConfigError extends MlyError {
  override name = "ConfigError";
  /** Creates an error for a configuration mistake. */
  constructor(message: string) {
    super("invalid_config", message);
  }
}

/** The token's `not_before` time has not come yet. */
export class TokenNotYetValidError extends MlyError {
  override name = "TokenNotYetValidError";
  /** When the token becomes usable, in ms since the epoch. */
  declare readonly notBefore: number;

  /** Creates an error saying when the token becomes usable. */
  constructor(notBefore: number) {
    super("token_not_yet_valid", `The token is not valid before ${Number.isFinite(new Date(notBefore).getTime()) ? new Date(notBefore).toISOString() : String(notBefore)}. Wait, or check the clock of this machine.`);
    this.notBefore = notBefore;
  }
}

/** A compare-and-set write lost the race: the stored entry changed since it was read. */
export class VersionConflictError extends MlyError {
  override name = "VersionConflictError";
  /** Creates an error for a compare-and-set conflict. */
  constructor(key: string, expected: number | null, actual: number | null) {
    super(
      "version_conflict",
      `The token entry ${JSON.stringify(key)} changed (expected version ${String(expected)}, found ${String(actual)}). Re-read it and try again.`,
    );
  }
}

/** A lock could not be taken in time. */
export class LockTimeoutError extends MlyError {
  override name = "LockTimeoutError";
  /** Creates an error for a lock that stayed taken. */
  constructor(key: string, waitedMs: number) {
    super("lock_timeout", `Could not take the lock on ${JSON.stringify(key)} within ${waitedMs} ms. Another process holds it; retry later.`);
  }
}

/** A wait queue is full: too many callers are already waiting. */
export class QueueFullError extends MlyError {
  override name = "QueueFullError";
  /** Creates an error for a full queue. */
  constructor(key: string, size: number) {
    super("queue_full", `${size} callers are already waiting for ${JSON.stringify(key)}. Slow down the producer or raise the queue size.`);
  }
}

/**
 * Stable reasons of a {@link StorageError}, to branch on instead of the message:
 * - `unreadable_token`: a stored token set is damaged or of an unknown format version (thrown by
 *   `tokenSetFromJSON` / `parseTokenSet`; {@link StorageError.field} names the wrong field).
 */
export type StorageErrorReason = "unreadable_token";

/** Options of {@link StorageError}. */
export interface StorageErrorOptions extends MlyErrorOptions {
  /** Why, as a stable word (default none). */
  reason?: StorageErrorReason | undefined;
  /** The stored field that was wrong (default none). */
  field?: string | undefined;
}

/** A token store failed (corrupt file, permission denied, a damaged stored token, …). */
export class StorageError extends MlyError {
  override name = "StorageError";
  /** Why, when it is one of the {@link StorageErrorReason}s; `undefined` for other failures. */
  declare readonly reason: StorageErrorReason | undefined;
  /**
   * The stored field that was wrong (`"access_token"`, `"expires_at"`, `"v"` for an unknown format
   * version, …), when one was; never a value.
   */
  declare readonly field: string | undefined;

  /** Creates an error for a failing token store. */
  constructor(message: string, options: StorageErrorOptions = {}) {
    super("storage_error", message, options);
    this.reason = options.reason;
    this.field = options.field;
  }
}

/** A shared backend (Redis, …) did not answer in time. */
export class BackendUnavailableError extends MlyError {
  override name = "BackendUnavailableError";
  /** Creates an error for an unreachable backend. */
  constructor(message: string, options?: MlyErrorOptions) {
    super("backend_unavailable", message, options);
  }
}

/** The request never got a response (DNS, connection reset, timeout). */
export class TransportError extends MlyError {
  override name = "TransportError";
  /** Creates an error for a failed request. */
  constructor(message: string, options?: MlyErrorOptions) {
    super("transport_error", message, options);
  }
}

/** The caller aborted the operation through its `AbortSignal`. */
export class AbortedError extends MlyError {
  override name = "AbortedError";
  /** Creates an error for an aborted operation. */
  constructor(message = "The operation was aborted by the caller.", options?: MlyErrorOptions) {
    super("aborted", message, options);
  }
}

/** Why {@link InvalidTokenError} refused a token. */
export type InvalidTokenReason = "malformed" | "wrong_app" | "expired" | "revoked" | "invalid";

/** A token handed in from elsewhere (import, validation) is not usable; `reason` says why. */
export class InvalidTokenError extends MlyError {
  override name = "InvalidTokenError";
  /** Why the token was refused. */
  declare readonly reason: InvalidTokenReason;

  /** Creates an error saying why a token was refused (never containing the token). */
  constructor(reason: InvalidTokenReason, message: string, options?: MlyErrorOptions) {
    super("invalid_token", message, options);
    this.reason = reason;
  }
}

/**
 * The brand every {@link MlyError} carries, under a key from the global symbol registry, so it is
 * the same symbol in every copy of this module and every realm (iframe, `vm` context, worker).
 */
const MLY_ERROR_BRAND: unique symbol = Symbol.for("@mly/auth-core/MlyError");
Object.defineProperty(MlyError.prototype, MLY_ERROR_BRAND, { value: true, enumerable: false });

/**
 * Whether `value` is an {@link MlyError}, optionally with the given code. Unlike `instanceof`, it
 * also recognises errors from another copy of `@mly/auth-core` (two versions installed side by
 * side, a bundled copy) or from another realm: it checks a brand, not the prototype chain.
 *
 * @example
 * ```ts
 * import { AbortedError, isMlyError } from "@mly/auth-core";
 *
 * const error: unknown = new AbortedError();
 * if (isMlyError(error, "aborted")) console.log("stopped:", error.message);
 * ```
 */
export function isMlyError(value: unknown, code?: MlyErrorCode): value is MlyError {
  if (typeof value !== "object" || value === null) return false;
  const branded = (value as { [MLY_ERROR_BRAND]?: unknown })[MLY_ERROR_BRAND] === true;
  const valueCode = (value as { code?: unknown }).code;
  return branded && typeof valueCode === "string" && (code === undefined || valueCode === code);
}

/** Graph error codes that mean "slow down", not "bad token". */
export const GRAPH_THROTTLE_CODES: readonly number[] = [4, 17, 613];

/** `error` or `error (description)`. */
function describeOAuthError(error: string, description: string | undefined): string {
  return description === undefined ? error : `${error} (${description})`;
}
