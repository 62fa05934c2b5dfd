import { authorizationRequest, type AuthorizationRequest, type AuthorizationRequestOptions, type PendingAuthorization } from "./authorization_request.ts";
import { bad, callbackParams, checkCommon, consume, type ValidateCallbackOptions } from "./callback.ts";
import type { OAuthClient } from "./client.ts";
import { ConfigError } from "./errors.ts";
import { supportsGrant, type ProviderProfile } from "./profile.ts";
import { parseTokenResponse } from "./token_response.ts";
import type { TokenSet } from "./token_set.ts";

/** Options of {@link buildLegacyImplicitUrl}: the caller must opt in explicitly. */
export interface LegacyImplicitOptions extends Omit<AuthorizationRequestOptions, "pkce"> {
  /** Must be `true`: RFC 9700 deprecates the implicit grant; it exists only for Mapillary v2. */
  legacyImplicit: true;
}

/**
 * Builds an implicit-flow authorization URL (`response_type=token`) for Mapillary v2 only, behind
 * the explicit `legacyImplicit: true` opt-in. Prefer the code flow.
 *
 * @throws {ConfigError} without the opt-in, or for a profile without the implicit grant.
 *
 * @example
 * ```ts
 * import { buildLegacyImplicitUrl, createClient } from "@mly/auth-core";
 * import { mapillaryV2 } from "@mly/auth-core/mapillary-v2";
 *
 * const { url, pending } = buildLegacyImplicitUrl(mapillaryV2, createClient({ clientId: "abc" }), {
 *   redirectUri: "http://127.0.0.1:8765/callback",
 *   scopes: ["user:read"],
 *   legacyImplicit: true,
 * });
 * ```
 */
export function buildLegacyImplicitUrl(profile: ProviderProfile, client: OAuthClient, options: LegacyImplicitOptions): AuthorizationRequest {
  if ((options as { legacyImplicit?: unknown }).legacyImplicit !== true) {
    throw new ConfigError("The implicit grant is deprecated (RFC 9700). Pass legacyImplicit: true only for Mapillary v2 apps that cannot use the code flow.");
  }
  if (!supportsGrant(profile, "implicit")) {
    throw new ConfigError(`${profile.name} has no implicit grant; use the authorization-code flow.`);
  }
  return authorizationRequest(profile, client, options, "token", undefined);
}

/**
 * Validates an implicit-flow callback into a user {@link TokenSet}. Mapillary v2 puts the token
 * in the QUERY string (`?token_type=bearer&access_token=…&expires_in=never`), not the fragment;
 * both are read. State, single use and `error` are checked as in {@link validateCallback}.
 *
 * @throws {StateMismatchError | AuthorizationError | InvalidCallbackError | InvalidResponseError}
 *
 * @example
 * ```ts
 * import { validateLegacyImplicitCallback, type PendingAuthorization } from "@mly/auth-core";
 * import { mapillaryV2 } from "@mly/auth-core/mapillary-v2";
 *
 * declare const pending: PendingAuthorization;
 * const tokens = validateLegacyImplicitCallback(mapillaryV2, pending, "http://127.0.0.1:8765/callback?access_token=…&state=…");
 * ```
 */
export function validateLegacyImplicitCallback(
  profile: ProviderProfile,
  pending: PendingAuthorization,
  callback: string | URL | URLSearchParams,
  options: ValidateCallbackOptions = {},
): TokenSet {
  if (pending.responseType !== "token") {
    throw bad("this login used the code flow; use validateCallback()");
  }
  const params = callbackParams(pending, callback);
  checkCommon(profile, pending, params, options);
  if (params.has("code")) throw bad("a code in an implicit callback");
  const body: Record<string, string> = {};
  for (const key of ["access_token", "token_type", "expires_in", "scope"]) {
    const value = params.get(key);
    if (value !== null) body[key] = value;
  }
  consume(pending);
  return parseTokenResponse(
    { status: 200, headers: {}, body: JSON.stringify(body) },
    { profile, now: options.now ?? Date.now(), kind: "user", requestedScopes: pending.scopes },
  );
}
