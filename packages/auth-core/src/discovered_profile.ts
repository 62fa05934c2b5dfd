import type { AuthorizationServerMetadata } from "./discovery.ts";
import { ConfigError } from "./errors.ts";
import { oauth2Profile, type OAuth2ProfileOptions } from "./oauth2.ts";
import type { GrantType, ProviderProfile, TokenEndpointAuth } from "./profile.ts";

/** Options of {@link profileFromMetadata}: what metadata cannot say about your app and API. */
export interface DiscoveredProfileOptions
  extends Omit<OAuth2ProfileOptions, "issuer" | "requireIssuerInCallback" | "authorizationEndpoint" | "tokenEndpoint" | "revocationEndpoint" | "tokenEndpointAuth" | "grants" | "pkce"> {
  /**
   * How this client authenticates at the token and revocation endpoints. Default: the first the
   * server supports of `client_secret_basic`, `client_secret_post`; `none` (a public client) only
   * when the server supports neither. Refused when the server does not list it.
   */
  tokenEndpointAuth?: Exclude<TokenEndpointAuth, "oauth_header">;
}

const GRANTS: readonly GrantType[] = ["authorization_code", "refresh_token", "client_credentials"];

/**
 * Builds an `oauth2Profile` from validated metadata: the endpoints, the client authentication
 * method, PKCE S256 (sent unless the server lists PKCE methods without `S256`), the issuer and
 * RFC 9207 `iss` checking (required in callbacks when the server announces it), and the grants
 * it lists (never `implicit`; when it lists none: code and refresh).
 *
 * @throws {ConfigError} the requested (or every default) client authentication method is not supported by the server.
 *
 * @example
 * ```ts
 * import { profileFromMetadata, type AuthorizationServerMetadata } from "@mly/auth-core";
 *
 * declare const metadata: AuthorizationServerMetadata;
 * const profile = profileFromMetadata(metadata, { tokenEndpointAuth: "none", defaultScopes: ["openid"] });
 * profile.revocationEndpoint;
 * ```
 */
export function profileFromMetadata(metadata: AuthorizationServerMetadata, options: DiscoveredProfileOptions = {}): ProviderProfile {
  const supported = metadata.tokenEndpointAuthMethodsSupported;
  const auth = options.tokenEndpointAuth ?? (["client_secret_basic", "client_secret_post", "none"] as const).find((method) => supported.includes(method));
  if (auth === undefined || !supported.includes(auth)) {
    throw new ConfigError(
      `${metadata.issuer} does not support the client authentication ${auth ?? "client_secret_basic, client_secret_post or none"}; it supports ${supported.join(", ")}`,
    );
  }
  const listed = metadata.grantTypesSupported;
  // When the server does not list its grants: the code flow and refresh (most servers refresh without saying so).
  const grants = listed === undefined ? (["authorization_code", "refresh_token"] as const) : GRANTS.filter((grant) => listed.includes(grant));
  const methods = metadata.codeChallengeMethodsSupported;
  return oauth2Profile({
    ...options,
    issuer: metadata.issuer,
    requireIssuerInCallback: metadata.authorizationResponseIssParameterSupported,
    ...(metadata.authorizationEndpoint === undefined ? {} : { authorizationEndpoint: metadata.authorizationEndpoint }),
    tokenEndpoint: metadata.tokenEndpoint,
    ...(metadata.revocationEndpoint === undefined ? {} : { revocationEndpoint: metadata.revocationEndpoint }),
    tokenEndpointAuth: auth,
    grants,
    pkce: methods.length === 0 || methods.includes("S256"),
  });
}
