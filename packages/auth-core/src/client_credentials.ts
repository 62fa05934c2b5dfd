import type { OAuthClient } from "./client.ts";
import { ConfigError } from "./errors.ts";
import { supportsGrant, type ProviderProfile } from "./profile.ts";
import { checkScopes, formatScopes } from "./scopes.ts";
import { tokenEndpointRequest, type TokenRequest } from "./token_request.ts";

/** Options of {@link buildClientCredentials}. */
export interface ClientCredentialsOptions {
  /** Scopes to request (default: the profile's default scopes; Mapiq's `…/.default`). */
  scopes?: readonly string[];
}

/**
 * Builds a client-credentials request (RFC 6749 §4.4); for Mapiq, the form it documents.
 *
 * @throws {ConfigError} the profile has no client-credentials grant or no secret was given.
 * @throws {UnknownScopeError} a scope is unknown to the profile.
 *
 * @example
 * ```ts
 * import { buildClientCredentials, createClient, mapiq } from "@mly/auth-core";
 *
 * const call = buildClientCredentials(mapiq, createClient({ clientId: "11111111-0000-0000-0000-000000000000", clientSecret: "…" }));
 * call.request.url; // "https://account.mapiq.com/api/public/oauth2/token"
 * ```
 */
export function buildClientCredentials(profile: ProviderProfile, client: OAuthClient, options: ClientCredentialsOptions = {}): TokenRequest {
  if (!supportsGrant(profile, "client_credentials")) {
    throw new ConfigError(`${profile.name} has no client-credentials grant; use the authorization-code flow.`);
  }
  const scopes = checkScopes(options.scopes ?? profile.defaultScopes, profile.scopes, profile.name);
  const params: Record<string, string> = { grant_type: "client_credentials" };
  if (scopes.length > 0) params["scope"] = formatScopes(scopes);
  return {
    grant: "client_credentials",
    request: tokenEndpointRequest(profile, client, params, []),
    profile,
    kind: "client_app",
    requestedScopes: scopes,
    previous: undefined,
  };
}
