import type { HttpMethod } from "./http.ts";

/** OAuth grants a provider supports. */
export type GrantType = "authorization_code" | "refresh_token" | "client_credentials" | "implicit";

/**
 * How the client authenticates at the token endpoint.
 * - `oauth_header`: Mapillary v4, `Authorization: OAuth <client_secret>`; the secret is not in the body.
 * - `client_secret_basic`: RFC 6749 §2.3.1 HTTP Basic.
 * - `client_secret_post`: `client_id` and `client_secret` in the form body.
 * - `none`: public client; only `client_id` in the body.
 */
export type TokenEndpointAuth = "oauth_header" | "client_secret_basic" | "client_secret_post" | "none";

/** How an access token is sent to the API: `Authorization: OAuth <t>` (Mapillary v4) or `Authorization: Bearer <t>`. */
export type TokenPlacement = "oauth_header" | "bearer_header";

/** The shape of the provider's API error bodies. */
export type ErrorShape = "graph" | "apim" | "mapillary_v2" | "oauth";

/** A provider's documented rate limit. */
export interface RateLimitPolicy {
  /** A short name, used in limiter keys: `graph`, `tiles`, `endpoint`. */
  readonly name: string;
  /** Requests allowed per window. */
  readonly limit: number;
  /** The window length in milliseconds. */
  readonly windowMs: number;
  /** `endpoint`: one budget per operation (method + route template); `app`: one budget for the whole app. */
  readonly per: "endpoint" | "app";
  /** Which requests count: API calls or tile fetches. */
  readonly appliesTo: "api" | "tiles";
  /**
   * Operations whose limit deviates from this policy's, keyed by `METHOD /template` as
   * `routeTemplate` gives it: `{ "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } }`
   * (an `endpoint` policy's keys only). Limiters of `@mly/ratelimit` and `@mly/ratelimit-redis` apply them.
   */
  readonly routes?: Readonly<Record<string, RouteLimit>> | undefined;
}

/** The limit of one operation that deviates from its policy (see {@link RateLimitPolicy.routes}). */
export interface RouteLimit {
  /** Requests allowed per window. */
  readonly limit: number;
  /** The window length in milliseconds. */
  readonly windowMs: number;
}

/** An API operation, for rate-limit keys: `GET /v2/buildings/{id}`. */
export interface RouteTemplate {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The path template relative to the API base, with `{name}` placeholders. */
  readonly template: string;
}

/** Endpoint URLs a profile factory accepts, so tests and the sandbox can point a profile at loopback. */
export interface EndpointOverrides {
  /** The authorization endpoint (`/connect`). */
  authorizationEndpoint?: string;
  /** The token endpoint. */
  tokenEndpoint?: string;
  /** The API base URL (no trailing slash). */
  apiBaseUrl?: string;
  /** The vector-tiles base URL (Mapillary v4). */
  tilesBaseUrl?: string;
}

/**
 * Everything mly knows about one authorization server and its API, as plain data.
 * Build one with `mapillaryProfile()`, `mapillaryV2Profile()`, `mapiqProfile()` or `oauth2Profile()`.
 */
export interface ProviderProfile {
  /** A stable identifier: `mapillary`, `mapillary-v2`, `mapiq` or `oauth2`. */
  readonly id: string;
  /** A human name for messages. */
  readonly name: string;
  /** The issuer identifier, when the server has one (RFC 8414 / RFC 9207). */
  readonly issuer: string | undefined;
  /** Whether the authorization response must carry `iss` (RFC 9207 `authorization_response_iss_parameter_supported`). */
  readonly requireIssuerInCallback: boolean;
  /** The authorization endpoint, for user flows. */
  readonly authorizationEndpoint: string | undefined;
  /** The token endpoint. */
  readonly tokenEndpoint: string;
  /** The RFC 7009 revocation endpoint, when the server has one (see `revocationRequest`). */
  readonly revocationEndpoint?: string | undefined;
  /** The API base URL (no trailing slash). */
  readonly apiBaseUrl: string | undefined;
  /** The vector-tiles base URL, if the provider has tiles. */
  readonly tilesBaseUrl: string | undefined;
  /** Known scope names, or `null` to accept any RFC 6749 scope token. */
  readonly scopes: readonly string[] | null;
  /** Scopes requested when the caller names none. */
  readonly defaultScopes: readonly string[];
  /** Supported grants. */
  readonly grants: readonly GrantType[];
  /** Whether to send PKCE S256 in code flows. */
  readonly pkce: boolean;
  /** How the client authenticates at the token endpoint. */
  readonly tokenEndpointAuth: TokenEndpointAuth;
  /** How token request bodies are encoded. */
  readonly tokenRequestEncoding: "json" | "form";
  /** Whether `client_id` goes into a JSON body as a number (Mapillary v4 documents `"client_id":1234`). */
  readonly numericClientId: boolean;
  /** Whether every request carries `client_id` in the query string (Mapillary v2). */
  readonly clientIdInQuery: boolean;
  /** What the refresh grant sends as `refresh_token`: a real refresh token, or the still-valid access token (Mapillary v4). */
  readonly refreshWith: "refresh_token" | "access_token";
  /** How an access token is sent to the API. */
  readonly tokenPlacement: TokenPlacement;
  /** The shape of API error bodies. */
  readonly errorShape: ErrorShape;
  /** Lifetime assumed when a token response has no expiry: `null` means the token does not expire. */
  readonly defaultLifetimeMs: number | null;
  /** Documented rate limits. */
  readonly rateLimits: readonly RateLimitPolicy[];
  /** Known API operations, for rate-limit keys. */
  readonly routes: readonly RouteTemplate[];
}

/** Whether `profile` supports `grant`. */
export function supportsGrant(profile: ProviderProfile, grant: GrantType): boolean {
  return profile.grants.includes(grant);
}

/** Removes one trailing slash. */
export function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}
