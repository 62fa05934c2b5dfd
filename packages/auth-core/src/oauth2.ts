/**
 * A generic RFC 6749 profile for any OAuth 2.0 server.
 *
 * @example
 * ```ts
 * import { oauth2Profile } from "@mly/auth-core/oauth2";
 *
 * const profile = oauth2Profile({
 *   issuer: "https://auth.example.com",
 *   authorizationEndpoint: "https://auth.example.com/authorize",
 *   tokenEndpoint: "https://auth.example.com/token",
 *   tokenEndpointAuth: "client_secret_basic",
 * });
 * profile.pkce; // true
 * ```
 *
 * @module
 */
import {
  trimSlash,
  type GrantType,
  type ProviderProfile,
  type RateLimitPolicy,
  type RouteTemplate,
  type TokenEndpointAuth,
} from "./profile.ts";

/** Options of {@link oauth2Profile}. */
export interface OAuth2ProfileOptions {
  /** The issuer identifier; checked against `iss` in callbacks (RFC 9207). */
  issuer?: string;
  /** Reject callbacks without `iss` (set when the server's metadata has `authorization_response_iss_parameter_supported`). */
  requireIssuerInCallback?: boolean;
  /** The authorization endpoint. */
  authorizationEndpoint?: string;
  /** The token endpoint. */
  tokenEndpoint: string;
  /** The RFC 7009 revocation endpoint (enables `revocationRequest` / `revokeToken`). */
  revocationEndpoint?: string;
  /** The API base URL. */
  apiBaseUrl?: string;
  /** How the client authenticates: `client_secret_basic` (default), `client_secret_post` or `none`. */
  tokenEndpointAuth?: Exclude<TokenEndpointAuth, "oauth_header">;
  /** Known scopes (`null`, the default, accepts any). */
  scopes?: readonly string[] | null;
  /** Scopes requested when none are named. */
  defaultScopes?: readonly string[];
  /** Supported grants (default: code, refresh, client credentials). */
  grants?: readonly GrantType[];
  /** Send PKCE S256 (default `true`). */
  pkce?: boolean;
  /** Rate limits of the API. */
  rateLimits?: readonly RateLimitPolicy[];
  /** API operations. */
  routes?: readonly RouteTemplate[];
}

/** Builds a generic RFC 6749 profile. */
export function oauth2Profile(options: OAuth2ProfileOptions): ProviderProfile {
  return Object.freeze({
    id: "oauth2",
    name: options.issuer ?? "OAuth 2.0 server",
    issuer: options.issuer,
    requireIssuerInCallback: options.requireIssuerInCallback ?? false,
    authorizationEndpoint: options.authorizationEndpoint,
    tokenEndpoint: options.tokenEndpoint,
    revocationEndpoint: options.revocationEndpoint,
    apiBaseUrl: options.apiBaseUrl === undefined ? undefined : trimSlash(options.apiBaseUrl),
    tilesBaseUrl: undefined,
    scopes: options.scopes ?? null,
    defaultScopes: options.defaultScopes ?? [],
    grants: options.grants ?? ["authorization_code", "refresh_token", "client_credentials"],
    pkce: options.pkce ?? true,
    tokenEndpointAuth: options.tokenEndpointAuth ?? "client_secret_basic",
    tokenRequestEncoding: "form",
    numericClientId: false,
    clientIdInQuery: false,
    refreshWith: "refresh_token",
    tokenPlacement: "bearer_header",
    errorShape: "oauth",
    defaultLifetimeMs: null,
    rateLimits: options.rateLimits ?? [],
    routes: options.routes ?? [],
  } satisfies ProviderProfile);
}
