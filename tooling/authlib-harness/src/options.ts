/** Token lifetimes, in seconds. */
export interface AuthlibLifetimes {
  /** Access tokens of the code flow and of refreshes. */
  readonly accessToken: number;
  /** Access tokens of the client-credentials grant. */
  readonly clientCredentials: number;
}

/** Long enough for any test; a test that needs an expired token moves its own clock. */
export const DEFAULT_AUTHLIB_LIFETIMES: AuthlibLifetimes = { accessToken: 300, clientCredentials: 300 };

/** Options of {@link startAuthlibServer}; every one has a default. */
export interface AuthlibServerOptions {
  /** Interface to listen on; loopback only. Default `127.0.0.1`. */
  readonly host?: string;
  /** Lifetimes in seconds; unset ones keep {@link DEFAULT_AUTHLIB_LIFETIMES}. */
  readonly ttl?: Partial<AuthlibLifetimes>;
  /** Scopes the server supports (`scopes_supported`); any other is `invalid_scope`. Default `["read", "write", "offline_access"]`. */
  readonly scopes?: readonly string[];
  /** More redirect URIs for every code-flow client, after the server's own `/callback`. */
  readonly redirectUris?: readonly string[];
  /** The interpreter; default Debian's `/usr/bin/python3` (where `python3-authlib` installs). */
  readonly python?: string;
  /** How long to wait for the server to listen, in ms. Default 15 000. */
  readonly startTimeoutMs?: number;
}

/** What a refresh does to the refresh token. */
export type RefreshTokenPolicy = "rotate" | "keep";

/** A registered client, with what a test needs to use it. */
export interface AuthlibClient {
  readonly clientId: string;
  /** Absent for the public client. */
  readonly clientSecret?: string;
  readonly tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post" | "none";
  readonly grantTypes: readonly string[];
  /** `rotate`: each refresh returns a new refresh token and revokes the old one; `keep`: the refresh response has no `refresh_token`. */
  readonly refreshTokenPolicy: RefreshTokenPolicy;
  /** The first redirect URI (the server's own `/callback`); empty for the service client. */
  readonly redirectUri: string;
  readonly redirectUris: readonly string[];
  /** Space-separated scopes the client may be granted. */
  readonly scope: string;
}

/** The five clients every server registers. */
export interface AuthlibClients {
  /** Confidential, `client_secret_basic`, code + refresh (rotating). */
  readonly basic: AuthlibClient;
  /** Confidential, `client_secret_post`, code + refresh (rotating). */
  readonly post: AuthlibClient;
  /** Public (`none`), code + refresh (rotating); PKCE is its only proof. */
  readonly public: AuthlibClient;
  /** Confidential, `client_secret_basic`, code + refresh whose responses carry no new refresh token. */
  readonly keep: AuthlibClient;
  /** Confidential, `client_secret_basic`, client credentials only. */
  readonly service: AuthlibClient;
}

/** How {@link AuthlibServer.authorize} answers the consent step (approve, for `user-1`, by default). */
export interface AuthlibAuthorizeOptions {
  /** Deny: the callback carries `error=access_denied`. */
  readonly deny?: boolean;
  /** Grant only these of the requested scopes (scope narrowing). */
  readonly grantScopes?: readonly string[];
  /** Sign in this user instead of `user-1`. */
  readonly user?: string;
}
