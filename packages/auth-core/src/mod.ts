/**
 * `@mly/auth-core`: the pure, sans-I/O OAuth 2.0 core of mly for the Mapillary API v4, the
 * legacy Mapillary API v2 and the Mapiq API. Functions build request descriptions and validate
 * responses; adapters (`@mly/fetch`, `@mly/storage`, `@mly/ratelimit`) do the I/O through the
 * ports defined here.
 *
 * @example
 * ```ts
 * import { buildAuthorizationUrl, createClient, mapillary } from "@mly/auth-core";
 *
 * const client = createClient({ clientId: "1234", clientSecret: "MLY|1234|…" });
 * const { url, pending } = await buildAuthorizationUrl(mapillary, client, { redirectUri: "http://127.0.0.1:8765/callback" });
 * ```
 *
 * @module
 */
export * from "./secret.ts";
export * from "./clock.ts";
export * from "./delay.ts";
export * from "./errors.ts";
export * from "./http.ts";
export * from "./bounded_body.ts";
export * from "./scopes.ts";
export * from "./profile.ts";
export { mapillary, mapillaryProfile, MAPILLARY_TILE_LAYERS, type MapillaryTileLayer } from "./mapillary.ts";
export { mapillaryV2, mapillaryV2Profile } from "./mapillary_v2.ts";
export { mapiq, mapiqProfile } from "./mapiq.ts";
export { oauth2Profile, type OAuth2ProfileOptions } from "./oauth2.ts";
export * from "./token_set.ts";
export * from "./token_response.ts";
export * from "./serialize.ts";
export * from "./token_key.ts";
export * from "./client.ts";
export * from "./pkce.ts";
export * from "./redirect_uri.ts";
export * from "./authorization_request.ts";
export * from "./callback.ts";
export * from "./token_request.ts";
export * from "./code_exchange.ts";
export * from "./refresh.ts";
export * from "./client_credentials.ts";
export * from "./implicit.ts";
export * from "./credential_placement.ts";
export * from "./api_error.ts";
export * from "./rate_limit_signal.ts";
export * from "./ports.ts";
export * from "./memory_store.ts";
export * from "./token_renewer.ts";
export * from "./refresh_coordinator.ts";
export * from "./telemetry.ts";
export * from "./route_key.ts";
export { discoveryRequest, processDiscoveryResponse, type AuthorizationServerMetadata, type DiscoveryDocument } from "./discovery.ts";
export { profileFromMetadata, type DiscoveredProfileOptions } from "./discovered_profile.ts";
export { processRevocationResponse, revocationRequest, type RevocationOptions, type TokenTypeHint } from "./revocation.ts";
export { renewDue, type RenewDueOptions, type RenewOutcome, type RenewReport } from "./renew_due.ts";
