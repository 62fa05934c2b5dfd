import {
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  buildAuthorizationUrl,
  buildClientCredentials,
  buildCodeExchange,
  buildRefresh,
  type ClientCredentialsInput,
  createClient,
  type HttpTransport,
  type OAuthClient,
  type PendingAuthorization,
  processTokenResponse,
  type ProviderProfile,
  type TokenSet,
  validateCallback,
  type ValidateCallbackOptions,
} from "@mly/auth-core";
import { createKyTransport } from "./ky_transport.ts";

/** What every login helper needs. */
export interface LoginContext {
  /** The provider. */
  profile: ProviderProfile;
  /** The app's credentials. */
  client: ClientCredentialsInput | OAuthClient;
  /** The transport for token calls (default: `createKyTransport()`). */
  transport?: HttpTransport;
  /** Cancels the token call. */
  signal?: AbortSignal;
}

/**
 * Starts a login: the authorization URL to open, and the pending state to keep until the
 * callback (server-side or in a secure session).
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { startLogin } from "@mly/fetch";
 *
 * const { url, pending } = await startLogin(
 *   { profile: mapillary, client: { clientId: "1234" } },
 *   { redirectUri: "http://127.0.0.1:8765/callback", scopes: ["read"] },
 * );
 * ```
 */
export function startLogin(context: LoginContext, options: AuthorizationRequestOptions): Promise<AuthorizationRequest> {
  return buildAuthorizationUrl(context.profile, createClient(context.client), options);
}

/**
 * Finishes a login from the callback URL: validates it (state, error, iss, no token in the URL)
 * and exchanges the code for tokens.
 *
 * @throws {StateMismatchError | AuthorizationError | InvalidCallbackError | OAuthError | GraphApiError | TransportError}
 *
 * @example
 * ```ts
 * import { mapillary, type PendingAuthorization } from "@mly/auth-core";
 * import { finishLogin } from "@mly/fetch";
 *
 * declare const pending: PendingAuthorization;
 * const tokens = await finishLogin({ profile: mapillary, client: { clientId: "1234", clientSecret: "MLY|…" } }, pending, "http://127.0.0.1:8765/callback?code=…&state=…");
 * ```
 */
export async function finishLogin(
  context: LoginContext,
  pending: PendingAuthorization,
  callbackUrl: string | URL,
  options: ValidateCallbackOptions = {},
): Promise<TokenSet> {
  const callback = validateCallback(context.profile, pending, callbackUrl, options);
  const call = buildCodeExchange(context.profile, createClient(context.client), callback);
  return send(context, call);
}

/**
 * Refreshes a token set now (Mapillary v4: with its still-valid access token).
 *
 * @example
 * ```ts
 * import { mapillary, type TokenSet } from "@mly/auth-core";
 * import { refreshTokens } from "@mly/fetch";
 *
 * declare const tokens: TokenSet;
 * const fresh = await refreshTokens({ profile: mapillary, client: { clientId: "1234", clientSecret: "MLY|…" } }, tokens);
 * ```
 */
export function refreshTokens(context: LoginContext, tokens: TokenSet): Promise<TokenSet> {
  return send(context, buildRefresh(context.profile, createClient(context.client), tokens));
}

/**
 * Runs the client-credentials grant (Mapiq).
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { clientCredentialsToken } from "@mly/fetch";
 *
 * const tokens = await clientCredentialsToken({ profile: mapiq, client: { clientId: "id", clientSecret: "secret" } });
 * ```
 */
export function clientCredentialsToken(context: LoginContext, scopes?: readonly string[]): Promise<TokenSet> {
  return send(context, buildClientCredentials(context.profile, createClient(context.client), scopes === undefined ? {} : { scopes }));
}

async function send(context: LoginContext, call: ReturnType<typeof buildRefresh>): Promise<TokenSet> {
  const transport = context.transport ?? createKyTransport();
  const response = await transport.send(call.request, { signal: context.signal });
  return processTokenResponse(call, response, Date.now());
}
