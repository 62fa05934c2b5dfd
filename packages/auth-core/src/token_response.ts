import { InvalidResponseError, type MlyError } from "./errors.ts";
import { getHeader, type HttpRequestDescription, type HttpResponseData } from "./http.ts";
import type { ProviderProfile } from "./profile.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { parseRetryAfter } from "./rate_limit_signal.ts";
import { httpError, oauthOrGraphError, throttleError } from "./_error_core.ts";
import { isObject, parseJson, stringField, toNumber } from "./_json.ts";

/**
 * The characters a token may hold: visible ASCII (`%x21-7E`), a superset of RFC 6750's
 * `b64token` that also admits Mapillary's `MLY|…|…` tokens.
 */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** What {@link parseTokenResponse} needs besides the response. */
export interface TokenResponseContext {
  /** The provider that answered. */
  profile: ProviderProfile;
  /** The request that was sent (its secrets are scrubbed from error text). */
  request?: HttpRequestDescription;
  /** The time the response was received, in ms. */
  now: number;
  /** What the token stands for. */
  kind: TokenKind;
  /** The scopes that were requested; the granted scopes when the response has no `scope`. */
  requestedScopes?: readonly string[];
  /** The token set being refreshed: its refresh token and subject are kept when the response has none. */
  previous?: TokenSet;
}

/**
 * The one token-response parser of mly, for every provider: numbers or numeric strings
 * (`"expires_in":"3599"`), `expires_on` (preferred) and `not_before` in epoch seconds,
 * `expires_in: "never"`, a missing `expires_in`, `token_type` in any case, and a refresh
 * response without `refresh_token` (the old one is kept). The granted `scope` and Mapiq's
 * `resource` are kept on the token set. An error status becomes the
 * matching typed error, from the token-endpoint shapes only (HTTP 429 with `Retry-After`,
 * Graph throttle codes, RFC 6749 `{"error":"…"}`, Graph `{"error":{…}}`, else
 * {@link HttpError}); API responses go through `parseErrorResponse`. Throws only
 * {@link MlyError}s, whatever the input.
 *
 * @throws {InvalidResponseError} the body is not a valid token response.
 * @throws {OAuthError | GraphApiError | RateLimitedError | HttpError} the server answered an error.
 *
 * @example
 * ```ts
 * import { mapiq, parseTokenResponse } from "@mly/auth-core";
 *
 * const tokens = parseTokenResponse(
 *   { status: 200, headers: {}, body: '{"access_token":"eyJ…","token_type":"Bearer","expires_in":"3599"}' },
 *   { profile: mapiq, now: Date.now(), kind: "client_app" },
 * );
 * tokens.expiresAt; // now + 3 599 000
 * ```
 */
export function parseTokenResponse(response: HttpResponseData, context: TokenResponseContext): TokenSet {
  const body = parseJson(response.body);
  let status = response.status;
  const ok = status > 199 && status < 300;
  const error = isObject(body) ? body["error"] : undefined;
  if (!ok || typeof error === "string" || isObject(error)) {
    // A 2xx carrying an error body is an error response too.
    if (ok) status = 400;
    const retryAfter = parseRetryAfter(getHeader(response.headers, "retry-after"), context.now);
    throw throttleError(status, body, retryAfter, 60_000) ?? oauthOrGraphError(body, status, context.request?.secrets() ?? []) ?? httpError(status);
  }
  const fail = (what: string): MlyError =>
    new InvalidResponseError(`bad token response: ${what}; check token endpoint URL`, { status });
  if (!isObject(body)) throw fail("not a JSON object");
  const { access_token: accessToken, token_type: tokenType = "bearer", refresh_token: refreshToken, scope } = body;
  if (typeof accessToken !== "string" || accessToken === "") throw fail("no access_token");
  // A token goes into an Authorization header: one outside visible ASCII (NUL, CR, LF, space, …)
  // would make the header invalid, or forge another one. The value is never quoted.
  if (!TOKEN_CHARS.test(accessToken)) throw fail("access_token has characters outside visible ASCII");
  if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") throw fail("token_type not bearer");
  if (refreshToken != null && (typeof refreshToken !== "string" || refreshToken === "")) throw fail("refresh_token");
  if (typeof refreshToken === "string" && !TOKEN_CHARS.test(refreshToken)) throw fail("refresh_token has characters outside visible ASCII");
  if (scope !== undefined && typeof scope !== "string") throw fail("scope");
  // Numbers or numeric strings; `expires_in` may also be null or "never".
  const seconds = (key: string): number | undefined => {
    const value = body[key];
    const number = toNumber(value);
    if (value !== undefined && number === undefined && !(key === "expires_in" && (value === null || value === "never"))) throw fail(key);
    return number;
  };
  const expiresIn = seconds("expires_in");
  const expiresOn = seconds("expires_on");
  const notBefore = seconds("not_before");
  if ((expiresIn ?? 0) < 0) throw fail("expires_in");
  const { now, previous, profile } = context;
  const lifetime = profile.defaultLifetimeMs;
  const expiresAt =
    expiresOn !== undefined ? expiresOn * 1000
    : expiresIn !== undefined ? now + expiresIn * 1000
    : body["expires_in"] === "never" || lifetime === null ? null
    : now + lifetime;
  // Dates beyond ±8.64e15 ms are not dates (`new Date(x)` is invalid): refuse them here.
  if (!(Math.abs(expiresAt ?? 0) <= 8.64e15) || !(Math.abs((notBefore ?? 0) * 1000) <= 8.64e15)) throw fail("expiry out of range");
  return Object.freeze({
    kind: context.kind,
    accessToken: new Secret(accessToken),
    tokenType: "bearer",
    refreshToken: typeof refreshToken === "string" ? new Secret(refreshToken) : previous?.refreshToken,
    scopes: Object.freeze(typeof scope === "string" ? scope.split(" ").filter((name) => name !== "") : [...(context.requestedScopes ?? previous?.scopes ?? [])]),
    issuedAt: now,
    expiresAt,
    notBefore: notBefore === undefined ? undefined : notBefore * 1000,
    provider: profile.id,
    issuer: profile.issuer ?? previous?.issuer,
    subject: stringField(body, "user_id") ?? previous?.subject,
    resource: stringField(body, "resource") ?? previous?.resource,
  } satisfies TokenSet);
}
