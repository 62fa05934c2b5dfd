import { parseErrorResponse } from "./api_error.ts";
import { InvalidResponseError, type MlyError } from "./errors.ts";
import type { HttpRequestDescription, HttpResponseData } from "./http.ts";
import type { ProviderProfile } from "./profile.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { _isObject, _number, _parseJson, _string, type _JsonObject } from "./_json.ts";

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
 * response without `refresh_token` (the old one is kept). An error status becomes the
 * matching typed error. Throws only {@link MlyError}s, whatever the input.
 *
 * @throws {InvalidResponseError} the body is not a valid token response.
 * @throws {OAuthError | GraphApiError | RateLimitedError | MlyError} the server answered an error.
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
  const secrets = context.request?.secrets() ?? [];
  if (response.status < 200 || response.status >= 300) {
    throw parseErrorResponse(response, { now: context.now, secrets });
  }
  const body = _parseJson(response.body);
  if (!_isObject(body)) {
    throw new InvalidResponseError(`Invalid ${context.profile.name} token response: not a JSON object. Check the token endpoint URL.`, { status: response.status });
  }
  if (typeof body["error"] === "string" || _isObject(body["error"])) {
    throw parseErrorResponse({ ...response, status: 400 }, { now: context.now, secrets });
  }
  return _toTokenSet(body, context, response.status);
}

function _toTokenSet(body: _JsonObject, context: TokenResponseContext, status: number): TokenSet {
  const fail = (what: string): MlyError => new InvalidResponseError(`Invalid ${context.profile.name} token response: ${what}.`, { status });
  const accessToken = body["access_token"];
  if (typeof accessToken !== "string" || accessToken === "") throw fail("no access_token");
  const rawType = body["token_type"];
  if (rawType !== undefined && typeof rawType !== "string") throw fail("token_type");
  const tokenType = (rawType ?? "bearer").toLowerCase();
  if (tokenType !== "bearer") throw fail("token_type is not bearer");
  const rawRefresh = body["refresh_token"];
  if (rawRefresh !== undefined && rawRefresh !== null && (typeof rawRefresh !== "string" || rawRefresh === "")) {
    throw fail("refresh_token");
  }
  const rawScope = body["scope"];
  if (rawScope !== undefined && typeof rawScope !== "string") throw fail("scope");

  const now = context.now;
  const expiresIn = body["expires_in"];
  const expiresInNumber = _number(body, "expires_in");
  const expiresOn = _number(body, "expires_on");
  const notBeforeSeconds = _number(body, "not_before");
  if (expiresIn !== undefined && expiresIn !== null && expiresIn !== "never" && expiresInNumber === undefined) {
    throw fail("expires_in");
  }
  if (body["expires_on"] !== undefined && expiresOn === undefined) throw fail("expires_on");
  if (body["not_before"] !== undefined && notBeforeSeconds === undefined) throw fail("not_before");
  if (expiresInNumber !== undefined && expiresInNumber < 0) throw fail("expires_in");

  let expiresAt: number | null;
  if (expiresOn !== undefined) expiresAt = expiresOn * 1000;
  else if (expiresInNumber !== undefined) expiresAt = now + expiresInNumber * 1000;
  else if (expiresIn === "never") expiresAt = null;
  else expiresAt = context.profile.defaultLifetimeMs === null ? null : now + context.profile.defaultLifetimeMs;

  const notBefore = notBeforeSeconds === undefined ? undefined : notBeforeSeconds * 1000;
  if ((expiresAt !== null && !Number.isFinite(expiresAt)) || (notBefore !== undefined && !Number.isFinite(notBefore))) throw fail("expiry out of range");
  const previous = context.previous;
  const refreshToken = typeof rawRefresh === "string" ? new Secret(rawRefresh) : previous?.refreshToken;
  const scopes =
    typeof rawScope === "string"
      ? rawScope.split(" ").filter((scope) => scope !== "")
      : (context.requestedScopes ?? previous?.scopes ?? []);
  return Object.freeze({
    kind: context.kind,
    accessToken: new Secret(accessToken),
    tokenType,
    refreshToken,
    scopes: Object.freeze([...scopes]),
    issuedAt: now,
    expiresAt,
    notBefore,
    provider: context.profile.id,
    issuer: context.profile.issuer ?? previous?.issuer,
    subject: _string(body, "user_id") ?? previous?.subject,
  } satisfies TokenSet);
}
