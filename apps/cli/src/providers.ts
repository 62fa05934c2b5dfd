import { mapillaryProfile, mapillaryV2Profile, mapiqProfile, oauth2Profile, type EndpointOverrides, type ProviderProfile } from "@mly/auth-core";

/** The providers `mly` knows; `oauth2` is any OAuth 2.0 server, found by discovery (`mly login --issuer URL`). */
export type ProviderId = "mapillary" | "mapillary-v2" | "mapiq" | "oauth2";

/** The providers a user can log in to. */
export const LOGIN_PROVIDERS: readonly ProviderId[] = ["mapillary", "mapillary-v2", "oauth2"];

/** Whether `value` is a {@link ProviderId}. */
export function isProviderId(value: string): value is ProviderId {
  return value === "mapillary" || value === "mapillary-v2" || value === "mapiq" || value === "oauth2";
}

/**
 * What `mly login --issuer` discovered about a generic OAuth 2.0 server (RFC 8414 / OpenID
 * metadata), kept with the profile so later commands need no discovery.
 */
export interface OAuth2Server {
  readonly issuer: string;
  readonly authorizationEndpoint?: string | undefined;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint?: string | undefined;
  readonly tokenEndpointAuth: "client_secret_basic" | "client_secret_post" | "none";
  readonly pkce: boolean;
  readonly requireIssuerInCallback: boolean;
}

/**
 * The {@link OAuth2Server} of a discovered `oauth2` profile.
 *
 * @example
 * ```ts
 * import { discoverProfile } from "@mly/fetch/oauth2";
 * import { oauth2Server } from "./providers.ts";
 *
 * const server = oauth2Server(await discoverProfile("https://auth.example.com"));
 * ```
 */
export function oauth2Server(profile: ProviderProfile): OAuth2Server {
  const auth = profile.tokenEndpointAuth;
  if (profile.issuer === undefined || auth === "oauth_header") throw new TypeError("not a discovered oauth2 profile");
  return {
    issuer: profile.issuer,
    authorizationEndpoint: profile.authorizationEndpoint,
    tokenEndpoint: profile.tokenEndpoint,
    revocationEndpoint: profile.revocationEndpoint,
    tokenEndpointAuth: auth,
    pkce: profile.pkce,
    requireIssuerInCallback: profile.requireIssuerInCallback,
  };
}

/**
 * The profile of a discovered server: its endpoints, the API base URL being the issuer.
 *
 * @example
 * ```ts
 * import { oauth2ServerProfile } from "./providers.ts";
 *
 * oauth2ServerProfile({ issuer: "https://auth.example.com", tokenEndpoint: "https://auth.example.com/token", tokenEndpointAuth: "none", pkce: true, requireIssuerInCallback: false });
 * ```
 */
export function oauth2ServerProfile(server: OAuth2Server): ProviderProfile {
  return oauth2Profile({
    issuer: server.issuer,
    requireIssuerInCallback: server.requireIssuerInCallback,
    ...(server.authorizationEndpoint === undefined ? {} : { authorizationEndpoint: server.authorizationEndpoint }),
    tokenEndpoint: server.tokenEndpoint,
    ...(server.revocationEndpoint === undefined ? {} : { revocationEndpoint: server.revocationEndpoint }),
    tokenEndpointAuth: server.tokenEndpointAuth,
    pkce: server.pkce,
    apiBaseUrl: server.issuer,
  });
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
export function sandboxEndpoints(base: string, provider: Exclude<ProviderId, "oauth2">): EndpointOverrides {
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
export function providerProfile(provider: Exclude<ProviderId, "oauth2">, sandboxUrl?: string): ProviderProfile {
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
