/**
 * The legacy Mapillary API v2 profile (a.mapillary.com/v2): `client_id` on every request,
 * Bearer tokens that never expire, and the implicit flow behind an explicit legacy opt-in.
 *
 * @example
 * ```ts
 * import { mapillaryV2Profile } from "@mly/auth-core/mapillary-v2";
 *
 * const profile = mapillaryV2Profile();
 * profile.clientIdInQuery; // true
 * ```
 *
 * @module
 */
import { trimSlash, type EndpointOverrides, type ProviderProfile } from "./profile.ts";
import { MAPILLARY_V2_SCOPES } from "./scopes.ts";

export { MAPILLARY_V2_SCOPES, type MapillaryV2Scope } from "./scopes.ts";

/** Builds the Mapillary v2 profile, with endpoints optionally overridden. */
export function mapillaryV2Profile(overrides: EndpointOverrides = {}): ProviderProfile {
  const apiBaseUrl = trimSlash(overrides.apiBaseUrl ?? "https://a.mapillary.com");
  return Object.freeze({
    id: "mapillary-v2",
    name: "Mapillary v2",
    issuer: undefined,
    requireIssuerInCallback: false,
    authorizationEndpoint: overrides.authorizationEndpoint ?? "https://www.mapillary.com/connect",
    tokenEndpoint: overrides.tokenEndpoint ?? `${apiBaseUrl}/v2/oauth/token`,
    apiBaseUrl,
    tilesBaseUrl: undefined,
    scopes: MAPILLARY_V2_SCOPES,
    defaultScopes: ["user:read"],
    grants: ["authorization_code", "implicit"],
    pkce: false,
    tokenEndpointAuth: "client_secret_post",
    tokenRequestEncoding: "form",
    numericClientId: false,
    clientIdInQuery: true,
    refreshWith: "refresh_token",
    tokenPlacement: "bearer_header",
    errorShape: "mapillary_v2",
    defaultLifetimeMs: null,
    rateLimits: [],
    routes: [
      { method: "GET", template: "/v2/me" },
      { method: "GET", template: "/v2/status" },
    ],
  } satisfies ProviderProfile);
}

/** The Mapillary v2 profile with its public endpoints. */
export const mapillaryV2: ProviderProfile = /* @__PURE__ */ mapillaryV2Profile();
