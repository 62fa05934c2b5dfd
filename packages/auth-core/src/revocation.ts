/**
 * RFC 7009 token revocation, sans-I/O: {@link revocationRequest} builds the call (the profile's
 * client authentication, `token_type_hint`), {@link processRevocationResponse} checks the answer.
 *
 * @module
 */
import type { OAuthClient } from "./client.ts";
import { ConfigError, RateLimitedError } from "./errors.ts";
import { getHeader, type HttpRequestDescription, type HttpResponseData } from "./http.ts";
import type { ProviderProfile } from "./profile.ts";
import type { Secret } from "./secret.ts";
import { tokenEndpointRequest } from "./token_request.ts";
import { httpError, oauthOrGraphError } from "./_error_core.ts";
import { parseJson } from "./_json.ts";

/** Which kind of token is revoked (RFC 7009 §2.1 `token_type_hint`). */
export type TokenTypeHint = "access_token" | "refresh_token";

/** Options of {@link revocationRequest}. */
export interface RevocationOptions {
  /** Tells the server which kind of token this is, so it looks it up faster. */
  tokenTypeHint?: TokenTypeHint;
}

/**
 * Builds an RFC 7009 revocation request: `POST` to the profile's revocation endpoint, form
 * body `token` (+ `token_type_hint`), the client authenticated as at the token endpoint. The
 * request redacts itself when printed.
 *
 * @throws {ConfigError} the profile has no revocation endpoint (the message says so), or a secret is missing.
 *
 * @example
 * ```ts
 * import { createClient, oauth2Profile, revocationRequest, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const profile = oauth2Profile({
 *   issuer: "https://auth.example.com",
 *   tokenEndpoint: "https://auth.example.com/token",
 *   revocationEndpoint: "https://auth.example.com/revoke",
 * });
 * const request = revocationRequest(profile, createClient({ clientId: "app", clientSecret: "s3cret" }), tokens.refreshToken ?? tokens.accessToken, {
 *   tokenTypeHint: tokens.refreshToken === undefined ? "access_token" : "refresh_token",
 * });
 * ```
 */
export function revocationRequest(profile: ProviderProfile, client: OAuthClient, token: Secret, options: RevocationOptions = {}): HttpRequestDescription {
  const endpoint = profile.revocationEndpoint;
  if (endpoint === undefined) {
    throw new ConfigError(`${profile.name} has no revocation endpoint: a token cannot be revoked there; delete it locally, or revoke it on the provider's settings page`);
  }
  const params: Record<string, string> = { token: token.reveal() };
  if (options.tokenTypeHint !== undefined) params["token_type_hint"] = options.tokenTypeHint;
  // RFC 7009 bodies are always form-encoded; client authentication follows the profile.
  return tokenEndpointRequest({ ...profile, tokenEndpoint: endpoint, tokenRequestEncoding: "form", clientIdInQuery: false }, client, params, [token]);
}

/**
 * Checks the revocation endpoint's answer: 200 means revoked (RFC 7009 §2.2: also for a token
 * the server did not know). Anything else is a typed error.
 *
 * @throws {OAuthError} an RFC 6749 error body (`invalid_client`, `unsupported_token_type`, …), scrubbed of the request's secrets.
 * @throws {RateLimitedError} 503 or 429 (RFC 7009 §2.2.1: try again after `Retry-After`, default 60 s).
 * @throws {HttpError} any other status.
 *
 * @example
 * ```ts
 * import { processRevocationResponse, readResponse, type HttpRequestDescription } from "@mly/auth-core";
 *
 * declare const request: HttpRequestDescription;
 * processRevocationResponse(request, await readResponse(await fetch(request.toRequest())));
 * ```
 */
export function processRevocationResponse(request: HttpRequestDescription, response: HttpResponseData): void {
  const status = response.status;
  if (status === 200) return;
  if (status === 503 || status === 429) {
    const header = getHeader(response.headers, "retry-after")?.trim() ?? "";
    const waitMs = /^\d{1,9}$/.test(header) ? Number(header) * 1000 : 60_000;
    throw new RateLimitedError(waitMs, "retry-after", { status, detail: "the revocation endpoint is busy" });
  }
  throw oauthOrGraphError(parseJson(response.body), status, request.secrets()) ?? httpError(status);
}
