import {
  type ClientCredentialsInput,
  createClient,
  type HttpTransport,
  type OAuthClient,
  processRevocationResponse,
  type ProviderProfile,
  revocationRequest,
  type Secret,
  type TokenSet,
  type TokenTypeHint,
  toSecret,
} from "@mly/auth-core";
import { createKyTransport } from "./ky_transport.ts";

/** Options of {@link revokeToken}. */
export interface RevokeTokenOptions {
  /** For a bare token: which kind it is (`token_type_hint`). A `TokenSet` sets the hint itself. */
  tokenTypeHint?: TokenTypeHint;
  /** The transport (default: `createKyTransport()`: no redirects, no retries). */
  transport?: HttpTransport;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * Revokes a token at the profile's RFC 7009 revocation endpoint (`discoverProfile` finds it,
 * `oauth2Profile({ revocationEndpoint })` sets it). Given a `TokenSet`, it revokes the refresh
 * token first (the server then drops the whole grant) and then the access token, so nothing
 * the set holds stays usable. Delete the stored copy yourself afterwards.
 *
 * @throws {ConfigError} the profile has no revocation endpoint (Mapillary v4, v2 and Mapiq have none).
 * @throws {OAuthError | RateLimitedError | HttpError | TransportError} the server refused or could not be reached.
 *
 * @example
 * ```ts
 * import type { TokenSet } from "@mly/auth-core";
 * import { discoverProfile, revokeToken } from "@mly/fetch/oauth2";
 *
 * declare const tokens: TokenSet;
 * const profile = await discoverProfile("https://auth.example.com");
 * await revokeToken(profile, { clientId: "my-app", clientSecret: process.env["CLIENT_SECRET"] }, tokens);
 * ```
 */
export async function revokeToken(
  profile: ProviderProfile,
  client: ClientCredentialsInput | OAuthClient,
  token: TokenSet | Secret | string,
  options: RevokeTokenOptions = {},
): Promise<void> {
  const app = createClient(client);
  const targets: [Secret, TokenTypeHint | undefined][] = [];
  if (typeof token === "string" || !("accessToken" in token)) {
    targets.push([toSecret(token), options.tokenTypeHint]);
  } else {
    if (token.refreshToken !== undefined) targets.push([token.refreshToken, "refresh_token"]);
    targets.push([token.accessToken, "access_token"]);
  }
  // Build every request first: a profile without the endpoint fails before anything is sent.
  const requests = targets.map(([secret, hint]) => revocationRequest(profile, app, secret, hint === undefined ? {} : { tokenTypeHint: hint }));
  const transport = options.transport ?? createKyTransport();
  for (const request of requests) {
    processRevocationResponse(request, await transport.send(request, { signal: options.signal }));
  }
}
