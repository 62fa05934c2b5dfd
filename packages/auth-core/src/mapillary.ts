/**
 * The Mapillary API v4 profile: graph.mapillary.com, tiles.mapillary.com and the
 * www.mapillary.com/connect authorization page.
 *
 * @example
 * ```ts
 * import { mapillaryProfile } from "@mly/auth-core/mapillary";
 *
 * const profile = mapillaryProfile({ apiBaseUrl: "http://127.0.0.1:8080/mapillary/graph" });
 * profile.tokenEndpoint; // "https://graph.mapillary.com/token" unless overridden
 * ```
 *
 * @module
 */
import { trimSlash, type EndpointOverrides, type ProviderProfile } from "./profile.ts";
import { MAPILLARY_SCOPES } from "./scopes.ts";

export { MAPILLARY_SCOPES, type MapillaryScope } from "./scopes.ts";

/** The vector-tile layers of Mapillary v4. */
export const MAPILLARY_TILE_LAYERS = [
  "mly1_public",
  "mly1_computed_public",
  "mly_map_feature_point",
  "mly_map_feature_traffic_sign",
] as const;
/** A Mapillary v4 vector-tile layer. */
export type MapillaryTileLayer = (typeof MAPILLARY_TILE_LAYERS)[number];

/** Builds the Mapillary v4 profile, with endpoints optionally overridden. */
export function mapillaryProfile(overrides: EndpointOverrides = {}): ProviderProfile {
  const apiBaseUrl = trimSlash(overrides.apiBaseUrl ?? "https://graph.mapillary.com");
  return Object.freeze({
    id: "mapillary",
    name: "Mapillary",
    issuer: undefined,
    requireIssuerInCallback: false,
    authorizationEndpoint: overrides.authorizationEndpoint ?? "https://www.mapillary.com/connect",
    tokenEndpoint: overrides.tokenEndpoint ?? `${apiBaseUrl}/token`,
    apiBaseUrl,
    tilesBaseUrl: trimSlash(overrides.tilesBaseUrl ?? "https://tiles.mapillary.com"),
    scopes: MAPILLARY_SCOPES,
    defaultScopes: ["read"],
    grants: ["authorization_code", "refresh_token"],
    pkce: false,
    tokenEndpointAuth: "oauth_header",
    tokenRequestEncoding: "json",
    numericClientId: true,
    clientIdInQuery: false,
    refreshWith: "access_token",
    tokenPlacement: "oauth_header",
    errorShape: "graph",
    defaultLifetimeMs: null,
    rateLimits: [
      { name: "graph", limit: 50_000, windowMs: 60_000, per: "app", appliesTo: "api" },
      { name: "tiles", limit: 50_000, windowMs: 86_400_000, per: "app", appliesTo: "tiles" },
    ],
    routes: ["/me", "/images", "/{id}", "/{id}/detections"].map((template) => ({ method: "GET", template })),
  } satisfies ProviderProfile);
}

/** The Mapillary v4 profile with its public endpoints. */
export const mapillary: ProviderProfile = /* @__PURE__ */ mapillaryProfile();
