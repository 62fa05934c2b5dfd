import type { PendingAuthorization } from "./authorization_request.ts";
import { AuthorizationError, InvalidCallbackError, StateMismatchError } from "./errors.ts";
import type { ProviderProfile } from "./profile.ts";
import { _constantTimeEqual, Secret } from "./secret.ts";

/** Options of {@link validateCallback}. */
export interface ValidateCallbackOptions {
  /** The current time in ms (default `Date.now()`). */
  now?: number;
  /** How long a login may take, in ms (default 10 minutes). */
  maxAgeMs?: number;
}

const _KEY: unique symbol = Symbol("ValidatedCallback");
const _consumed = new WeakSet<PendingAuthorization>();
const _consumedStates = new Set<string>();

/**
 * A callback that passed {@link validateCallback}. Only the validator can make one, so a code
 * can never reach the token endpoint unchecked.
 */
export class ValidatedCallback {
  /** The authorization code. */
  readonly code: Secret;
  /** The login this callback completes. */
  readonly pending: PendingAuthorization;
  /** The `iss` the server sent, if any (already checked). */
  readonly issuer: string | undefined;
  readonly #brand = true;

  /** @internal Use {@link validateCallback}. */
  constructor(key: typeof _KEY, code: Secret, pending: PendingAuthorization, issuer: string | undefined) {
    if (key !== _KEY) throw new TypeError("Use validateCallback() to make a ValidatedCallback.");
    this.code = code;
    this.pending = pending;
    this.issuer = issuer;
  }

  /** Whether `value` was made by {@link validateCallback}. */
  static is(value: unknown): value is ValidatedCallback {
    return typeof value === "object" && value !== null && #brand in value;
  }
}

/**
 * Validates the redirect back from the authorization server (RFC 6749 §4.1.2, RFC 9700,
 * RFC 9207): the URL is the registered redirect URI; `state` equals the pending one exactly and
 * is used once; `iss` (when sent, or when the profile requires it) equals the issuer; an `error`
 * parameter becomes an {@link AuthorizationError}; a token in the callback is rejected.
 *
 * @throws {StateMismatchError} the state is missing, different, or already used.
 * @throws {AuthorizationError} the server sent `error` (for example `user_denied`).
 * @throws {InvalidCallbackError} no code, a token in the URL, a wrong issuer, a wrong URL, or an expired login.
 *
 * @example
 * ```ts
 * import { buildAuthorizationUrl, createClient, mapillary, validateCallback } from "@mly/auth-core";
 *
 * const { pending } = await buildAuthorizationUrl(mapillary, createClient({ clientId: "1234" }), {
 *   redirectUri: "http://127.0.0.1:8765/callback",
 * });
 * const callbackUrl = `http://127.0.0.1:8765/callback?code=abc&state=${pending.state}`;
 * const callback = validateCallback(mapillary, pending, callbackUrl);
 * ```
 */
export function validateCallback(
  profile: ProviderProfile,
  pending: PendingAuthorization,
  callback: string | URL | URLSearchParams,
  options: ValidateCallbackOptions = {},
): ValidatedCallback {
  const params = _callbackParams(pending, callback);
  _checkCommon(profile, pending, params, options);
  if (params.has("access_token") || params.has("id_token") || params.has("refresh_token")) {
    throw new InvalidCallbackError(
      "The callback carries a token, which the code flow never does: the response was forged or the server used the implicit flow. Start a new login.",
    );
  }
  const code = params.get("code");
  if (code === null || code === "") {
    throw new InvalidCallbackError("The callback has no authorization code. Start a new login.");
  }
  _consume(pending);
  return new ValidatedCallback(_KEY, new Secret(code), pending, params.get("iss") ?? undefined);
}

/** Reads the callback parameters (query, or fragment for the implicit flow) and checks the URL is the redirect URI. */
export function _callbackParams(pending: PendingAuthorization, callback: string | URL | URLSearchParams): URLSearchParams {
  if (callback instanceof URLSearchParams) return callback;
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    throw new InvalidCallbackError("The callback is not an absolute URL. Pass the full URL the browser was redirected to.");
  }
  const expected = new URL(pending.redirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname) {
    throw new InvalidCallbackError("The callback URL is not the redirect URI of this login. Pass the URL the browser was redirected to.");
  }
  const params = new URLSearchParams(url.search);
  if (url.hash.length > 1) {
    for (const [key, value] of new URLSearchParams(url.hash.slice(1))) {
      if (!params.has(key)) params.append(key, value);
    }
  }
  return params;
}

/** State, age, single use, issuer, then `error`: the checks shared by the code and implicit callbacks. */
export function _checkCommon(
  profile: ProviderProfile,
  pending: PendingAuthorization,
  params: URLSearchParams,
  options: ValidateCallbackOptions,
): void {
  if (pending.provider !== profile.id) {
    throw new InvalidCallbackError(`This login was started for ${pending.provider}, not ${profile.id}. Validate it with the profile it was started with.`);
  }
  const states = params.getAll("state");
  if (states.length !== 1 || states[0] === undefined || states[0] === "") {
    throw new StateMismatchError("The callback has no state, or more than one: it did not come from the login this app started. Start a new login.");
  }
  if (!_constantTimeEqual(states[0], pending.state)) {
    throw new StateMismatchError("The callback's state does not match the login in progress (a forged or stale callback). Start a new login.");
  }
  if (_consumed.has(pending) || _consumedStates.has(pending.state)) {
    throw new StateMismatchError("This login was already completed: a callback is used once. Start a new login.");
  }
  const now = options.now ?? Date.now();
  if (now - pending.createdAt > (options.maxAgeMs ?? 600_000)) {
    throw new InvalidCallbackError("The login took too long and expired. Start a new login.");
  }
  const issuers = params.getAll("iss");
  if (issuers.length > 1) throw new InvalidCallbackError("The callback has more than one iss parameter. Start a new login.");
  const iss = issuers[0];
  if (iss !== undefined && profile.issuer !== undefined && iss !== profile.issuer) {
    throw new InvalidCallbackError(
      `The callback comes from issuer ${JSON.stringify(iss.slice(0, 200))}, not ${profile.issuer} (RFC 9207 mix-up defence). Start a new login.`,
    );
  }
  if (iss === undefined && profile.requireIssuerInCallback) {
    throw new InvalidCallbackError("The callback has no iss parameter although this server always sends one (RFC 9207). Start a new login.");
  }
  const error = params.get("error");
  if (error !== null) {
    _consume(pending);
    throw new AuthorizationError(error.slice(0, 100), params.get("error_description")?.slice(0, 500) ?? undefined);
  }
}

/** Marks a login as completed so its callback cannot be replayed in this process. */
export function _consume(pending: PendingAuthorization): void {
  _consumed.add(pending);
  _consumedStates.add(pending.state);
  // Bound memory: states are 256-bit random; old ones only matter within the max age.
  if (_consumedStates.size > 10_000) {
    const first = _consumedStates.values().next().value;
    if (first !== undefined) _consumedStates.delete(first);
  }
}
