/**
 * The Mapiq public API v2 profile: client credentials at account.mapiq.com, Bearer tokens,
 * 20 requests per minute per endpoint.
 *
 * @example
 * ```ts
 * import { mapiqProfile } from "@mly/auth-core/mapiq";
 *
 * const profile = mapiqProfile();
 * profile.rateLimits[0]?.limit; // 20
 * ```
 *
 * @module
 */
import { trimSlash, type EndpointOverrides, type ProviderProfile } from "./profile.ts";
import { MAPIQ_SCOPES } from "./scopes.ts";

export { MAPIQ_SCOPES, type MapiqScope } from "./scopes.ts";

/** Builds the Mapiq profile, with endpoints optionally overridden. */
export function mapiqProfile(overrides: EndpointOverrides = {}): ProviderProfile {
  return Object.freeze({
    id: "mapiq",
    name: "Mapiq",
    issuer: undefined,
    requireIssuerInCallback: false,
    authorizationEndpoint: undefined,
    tokenEndpoint: overrides.tokenEndpoint ?? "https://account.mapiq.com/api/public/oauth2/token",
    apiBaseUrl: trimSlash(overrides.apiBaseUrl ?? "https://api.mapiq.com"),
    tilesBaseUrl: undefined,
    scopes: MAPIQ_SCOPES,
    defaultScopes: MAPIQ_SCOPES,
    grants: ["client_credentials"],
    pkce: false,
    tokenEndpointAuth: "client_secret_post",
    tokenRequestEncoding: "form",
    numericClientId: false,
    clientIdInQuery: false,
    refreshWith: "refresh_token",
    tokenPlacement: "bearer_header",
    errorShape: "apim",
    defaultLifetimeMs: 3_600_000,
    rateLimits: [{ name: "endpoint", limit: 20, windowMs: 60_000, per: "endpoint", appliesTo: "api" }],
    routes: [
      { method: "GET", template: "/v2/buildings" },
      { method: "GET", template: "/v2/buildings/{id}" },
      { method: "GET", template: "/v2/users" },
      { method: "GET", template: "/v2/users/{id}" },
    ],
  } satisfies ProviderProfile);
}

/** The Mapiq profile with its public endpoints. */
export const mapiq: ProviderProfile = /* @__PURE__ */ mapiqProfile();
