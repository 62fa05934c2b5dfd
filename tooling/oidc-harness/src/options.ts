/** Token and artifact lifetimes, in seconds. */
export interface TokenLifetimes {
  readonly accessToken: number;
  readonly refreshToken: number;
  readonly authorizationCode: number;
  readonly clientCredentials: number;
  readonly idToken: number;
  readonly interaction: number;
  readonly session: number;
  readonly grant: number;
}

/** Short by default: a harness is for tests, and tests use seconds. */
export const DEFAULT_LIFETIMES: TokenLifetimes = {
  accessToken: 300,
  refreshToken: 3600,
  authorizationCode: 60,
  clientCredentials: 300,
  idToken: 300,
  interaction: 600,
  session: 3600,
  grant: 3600,
};

/** Options of {@link startOidcServer}; every one has a default. */
export interface OidcServerOptions {
  /** Interface to listen on; loopback only. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port; default `0` (a random free port). */
  readonly port?: number;
  /** Lifetimes in seconds; unset ones keep {@link DEFAULT_LIFETIMES}. */
  readonly ttl?: Partial<TokenLifetimes>;
  /** Scopes the server knows besides `openid` and `offline_access`. Default `["read", "write"]`. */
  readonly scopes?: readonly string[];
  /**
   * Scopes the server knows but no client may request: asking for one ends the authorization
   * with `invalid_scope` on the client's callback. Default none.
   */
  readonly unallowedScopes?: readonly string[];
  /** More redirect URIs to register on every code-flow client (e.g. an app's own callback server). */
  readonly redirectUris?: readonly string[];
  /** The account that the automatic login signs in. Default `"user-1"`. */
  readonly accountId?: string;
  /**
   * When the code flow issues a refresh token: `"always"` (default: to every client allowed the
   * `refresh_token` grant) or `"offline_access"` (oidc-provider's default: only when that scope
   * was requested and granted).
   */
  readonly refreshTokens?: "always" | "offline_access";
  /**
   * Reject (401 `invalid_client`) a client that authenticates with another method than the one it
   * registered; oidc-provider alone takes `client_secret_basic` and `client_secret_post` from any
   * client with a secret. Default `true`.
   */
  readonly strictClientAuth?: boolean;
  /** Rotate refresh tokens on every use (default `true`); `false` keeps oidc-provider's default policy. */
  readonly rotateRefreshToken?: boolean;
}

/** A registered client, with what a test needs to use it. */
export interface HarnessClient {
  readonly clientId: string;
  /** Absent for the public client. */
  readonly clientSecret?: string;
  readonly tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post" | "none";
  readonly grantTypes: readonly string[];
  /** The first registered redirect URI (the harness's own `/callback`); empty for the service client. */
  readonly redirectUri: string;
  readonly redirectUris: readonly string[];
  /** Space-separated scopes the client may request. */
  readonly scope: string;
}

/** The four clients every server registers. */
export interface HarnessClients {
  /** Confidential, code + refresh, authenticates with HTTP Basic. */
  readonly basic: HarnessClient;
  /** Confidential, code + refresh, authenticates with the secret in the form body. */
  readonly post: HarnessClient;
  /** Public (`none`), code + refresh; PKCE is its only proof. */
  readonly public: HarnessClient;
  /** Confidential (`client_secret_basic`), client credentials only. */
  readonly service: HarnessClient;
}

/** How {@link OidcServer.authorize} completes the login/consent interaction. */
export interface AuthorizeOptions {
  /** Sign in this account instead of the server's default one. */
  readonly accountId?: string;
  /** Deny instead of approving: the callback carries `error=access_denied`. */
  readonly deny?: boolean;
}

/** What the server knows of a token, read from its store. */
export interface TokenInfo {
  readonly kind: "AccessToken" | "RefreshToken" | "ClientCredentials";
  readonly clientId: string;
  readonly accountId?: string;
  readonly scope?: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  readonly expired: boolean;
  /** Refresh tokens only: already exchanged (rotation). */
  readonly consumed?: boolean;
}
