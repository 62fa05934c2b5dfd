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
export { createKyTransport, type KyTransportOptions } from "./ky_transport.ts";
export { accessTokenSource, clientTokenSource, coordinatedTokens, type TokenSource } from "./token_source.ts";
export { createAuthFetch, type AuthFetchOptions, type RateLimitRetry } from "./auth_fetch.ts";
export { createApiClient, type ApiClient, type ApiClientOptions } from "./api_client.ts";
export {
  clientCredentialsToken,
  finishLogin,
  refreshTokens,
  startLogin,
  type LoginContext,
} from "./login.ts";
