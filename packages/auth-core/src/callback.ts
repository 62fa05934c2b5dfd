import type { PendingAuthorization } from "./authorization_request.ts";
import { AuthorizationError, InvalidCallbackError, StateMismatchError } from "./errors.ts";
import type { ProviderProfile } from "./profile.ts";
import { constantTimeEqual, Secret } from "./secret.ts";
import { scrub } from "./_scrub.ts";
import { newLogin } from "./_fix.ts";

/** Options of {@link validateCallback}. */
export interface ValidateCallbackOptions {
  /** The current time in ms (default `Date.now()`). */
  now?: number;
  /** How long a login may take, in ms (default 10 minutes). */
  maxAgeMs?: number;
}

const KEY: unique symbol = Symbol("ValidatedCallback");
const consumed = new WeakSet<PendingAuthorization>();
const consumedStates = new Set<string>();

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
  constructor(key: typeof KEY, code: Secret, pending: PendingAuthorization, issuer: string | undefined) {
    if (key !== KEY) throw new TypeError("Use validateCallback()");
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
  if (pending.responseType !== "code") throw bad("not a code-flow login");
  const params = callbackParams(pending, callback);
  checkCommon(profile, pending, params, options);
  if (["access_token", "id_token", "refresh_token"].some((key) => params.has(key))) throw bad("token in callback");
  const code = params.get("code");
  if (!code) throw bad("no code in callback");
  consume(pending);
  return new ValidatedCallback(KEY, new Secret(code), pending, params.get("iss") ?? undefined);
}

/** An {@link InvalidCallbackError} saying what was wrong and that a new login is needed. */
export function bad(what: string): InvalidCallbackError {
  return new InvalidCallbackError(newLogin(what));
}

/** Reads the callback parameters (query, or fragment for the implicit flow) and checks the URL is the redirect URI. */
export function callbackParams(pending: PendingAuthorization, callback: string | URL | URLSearchParams): URLSearchParams {
  if (callback instanceof URLSearchParams) return callback;
  let url: URL;
  let expected: URL;
  try {
    url = new URL(callback);
    expected = new URL(pending.redirectUri);
  } catch {
    throw bad("callback not a URL");
  }
  // Not `origin`: it is "null" for private-use schemes (com.example.app:/cb), which would all compare equal.
  if (url.protocol !== expected.protocol || url.host !== expected.host || url.pathname !== expected.pathname) throw bad("callback not at redirect URI");
  const params = new URLSearchParams(url.search);
  for (const [key, value] of new URLSearchParams(url.hash.slice(1))) if (!params.has(key)) params.append(key, value);
  return params;
}

/** State, age, single use, issuer, then `error`: the checks shared by the code and implicit callbacks. */
export function checkCommon(
  profile: ProviderProfile,
  pending: PendingAuthorization,
  params: URLSearchParams,
  options: ValidateCallbackOptions,
): void {
  if (pending.provider !== profile.id) throw bad(`login is for ${pending.provider}`);
  const states = params.getAll("state");
  const state = states[0];
  const used = consumed.has(pending) || consumedStates.has(pending.state);
  if (states.length !== 1 || !state || !constantTimeEqual(state, pending.state) || used) {
    throw new StateMismatchError(newLogin(used ? "state already used" : "state mismatch"));
  }
  if ((options.now ?? Date.now()) - pending.createdAt > (options.maxAgeMs ?? 600_000)) throw bad("login expired");
  const issuers = params.getAll("iss");
  const iss = issuers[0];
  if (issuers.length > 1 || (iss === undefined ? profile.requireIssuerInCallback : profile.issuer !== undefined && iss !== profile.issuer)) {
    throw bad("iss mismatch (RFC 9207)");
  }
  const error = params.get("error");
  if (error !== null) {
    consume(pending);
    const description = params.get("error_description");
    throw new AuthorizationError(scrub(error, [], 100), description === null ? undefined : scrub(description, []));
  }
}
/** Marks a login as completed so its callback cannot be replayed in this process. */
export function consume(pending: PendingAuthorization): void {
  consumed.add(pending);
  consumedStates.add(pending.state);
  // Bound memory: states are 256-bit random; old ones only matter within the max age.
  if (consumedStates.size > 10_000) {
    const oldest = consumedStates.values().next();
    if (oldest.done !== true) consumedStates.delete(oldest.value);
  }
}
