/**
 * `@mly/fetch`: the ky adapter of mly. A token-endpoint transport, login helpers, and
 * authenticated, rate-limited API clients for Mapillary v4, Mapillary v2 and Mapiq.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 *
 * const api = createApiClient({ profile: mapiq, client: { clientId: "id", clientSecret: "secret" } });
 * const buildings = await api.ky.get("v2/buildings").json();
 * ```
 *
 * @module
 */
export * from "./ky_transport.ts";
export * from "./token_source.ts";
export * from "./auth_fetch.ts";
export * from "./api_client.ts";
export * from "./login.ts";
export * from "./mapillary_images.ts";
