import type { OAuthClient } from "./client.ts";
import { ConfigError, LoginRequiredError } from "./errors.ts";
import { supportsGrant, type ProviderProfile } from "./profile.ts";
import { formatScopes } from "./scopes.ts";
import { isUsable, type TokenSet } from "./token_set.ts";
import { tokenEndpointRequest, type TokenRequest } from "./token_request.ts";
import { logInAgain } from "./_fix.ts";

/** Options of {@link buildRefresh}. */
export interface RefreshOptions {
  /** The current time in ms (default `Date.now()`); Mapillary v4 can only refresh a token that has not expired. */
  now?: number;
  /** Ask for fewer scopes than were granted (RFC 6749 §6). */
  scopes?: readonly string[];
}

/**
 * Builds a refresh request. For Mapillary v4 the still-valid ACCESS token is sent as
 * `refresh_token` (its documented quirk), so an expired v4 token cannot be refreshed.
 *
 * @throws {LoginRequiredError} there is nothing to refresh with (no refresh token, or an expired v4 token).
 * @throws {ConfigError} the profile has no refresh grant.
 *
 * @example
 * ```ts
 * import { buildRefresh, createClient, mapillary, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const call = buildRefresh(mapillary, createClient({ clientId: "1234", clientSecret: "MLY|1234|…" }), tokens);
 * ```
 */
export function buildRefresh(profile: ProviderProfile, client: OAuthClient, tokens: TokenSet, options: RefreshOptions = {}): TokenRequest {
  if (!supportsGrant(profile, "refresh_token")) throw new ConfigError(`${profile.name}: no refresh grant`);
  // Mapillary v4 refreshes with the still-valid access token.
  const refreshWith =
    tokens.refreshToken ?? (profile.refreshWith === "access_token" && isUsable(tokens, options.now ?? Date.now(), 0) ? tokens.accessToken : undefined);
  if (refreshWith === undefined) throw new LoginRequiredError(logInAgain("token not refreshable"));
  const params: Record<string, string> = { grant_type: "refresh_token", refresh_token: refreshWith.reveal() };
  if (options.scopes !== undefined) params["scope"] = formatScopes(options.scopes);
  return {
    grant: "refresh_token",
    request: tokenEndpointRequest(profile, client, params, [refreshWith, tokens.accessToken]),
    profile,
    kind: tokens.kind,
    requestedScopes: options.scopes ?? tokens.scopes,
    previous: tokens,
  };
}
