import { mapillaryProfile, mapillaryV2Profile, mapiqProfile, type EndpointOverrides, type ProviderProfile } from "@mly/auth-core";

/** The providers `mly` knows. */
export type ProviderId = "mapillary" | "mapillary-v2" | "mapiq";

/** The providers a user can log in to. */
export const LOGIN_PROVIDERS: readonly ProviderId[] = ["mapillary", "mapillary-v2"];

/** Whether `value` is a {@link ProviderId}. */
export function isProviderId(value: string): value is ProviderId {
  return value === "mapillary" || value === "mapillary-v2" || value === "mapiq";
}

/**
 * The endpoints of a sandbox listening at `base`, per provider (the URL layout documented in
 * `@mly/sandbox`'s README).
 *
 * @example
 * ```ts
 * import { sandboxEndpoints } from "./providers.ts";
 *
 * sandboxEndpoints("http://127.0.0.1:8765", "mapiq").tokenEndpoint;
 * // "http://127.0.0.1:8765/mapiq/account/api/public/oauth2/token"
 * ```
 */
export function sandboxEndpoints(base: string, provider: ProviderId): EndpointOverrides {
  const root = base.replace(/\/+$/, "");
  switch (provider) {
    case "mapillary":
      return {
        authorizationEndpoint: `${root}/mapillary/connect`,
        tokenEndpoint: `${root}/mapillary/graph/token`,
        apiBaseUrl: `${root}/mapillary/graph`,
        tilesBaseUrl: `${root}/mapillary/tiles`,
      };
    case "mapillary-v2":
      return {
        authorizationEndpoint: `${root}/mapillary-v2/connect`,
        tokenEndpoint: `${root}/mapillary-v2/v2/oauth/token`,
        apiBaseUrl: `${root}/mapillary-v2`,
      };
    case "mapiq":
      return { tokenEndpoint: `${root}/mapiq/account/api/public/oauth2/token`, apiBaseUrl: `${root}/mapiq/api` };
  }
}

/**
 * The auth-core profile of a provider, pointed at a sandbox when `sandboxUrl` is given.
 *
 * @example
 * ```ts
 * import { providerProfile } from "./providers.ts";
 *
 * providerProfile("mapillary").apiBaseUrl; // "https://graph.mapillary.com"
 * ```
 */
export function providerProfile(provider: ProviderId, sandboxUrl?: string): ProviderProfile {
  const overrides = sandboxUrl === undefined ? {} : sandboxEndpoints(sandboxUrl, provider);
  switch (provider) {
    case "mapillary":
      return mapillaryProfile(overrides);
    case "mapillary-v2":
      return mapillaryV2Profile(overrides);
    case "mapiq":
      return mapiqProfile(overrides);
  }
}
