import { ValidatedCallback } from "./callback.ts";
import type { OAuthClient } from "./client.ts";
import { ConfigError } from "./errors.ts";
import type { ProviderProfile } from "./profile.ts";
import { tokenEndpointRequest, type TokenRequest } from "./token_request.ts";

/**
 * Builds the code-exchange request: the code from a {@link ValidatedCallback}, the same literal
 * redirect URI, and the PKCE verifier when one was sent. Mapillary v4 gets its documented JSON
 * body with `Authorization: OAuth <client_secret>`.
 *
 * @throws {ConfigError} the callback was not validated, or a confidential client has no secret.
 *
 * @example
 * ```ts
 * import { buildCodeExchange, createClient, mapillary, processTokenResponse, readResponse, type ValidatedCallback } from "@mly/auth-core";
 *
 * declare const callback: ValidatedCallback;
 * const call = buildCodeExchange(mapillary, createClient({ clientId: "1234", clientSecret: "MLY|1234|…" }), callback);
 * const response = await fetch(call.request.toRequest());
 * const tokens = processTokenResponse(call, await readResponse(response), Date.now());
 * ```
 */
export function buildCodeExchange(profile: ProviderProfile, client: OAuthClient, callback: ValidatedCallback): TokenRequest {
  if (!ValidatedCallback.is(callback) || callback.pending.provider !== profile.id) {
    throw new ConfigError(`pass validateCallback() result for ${profile.id}`);
  }
  const { code, pending } = callback;
  const verifier = pending.codeVerifier;
  const params: Record<string, string> = { grant_type: "authorization_code", code: code.reveal(), redirect_uri: pending.redirectUri };
  if (verifier !== undefined) params["code_verifier"] = verifier.reveal();
  return {
    grant: "authorization_code",
    request: tokenEndpointRequest(profile, client, params, verifier === undefined ? [code] : [code, verifier]),
    profile,
    kind: "user",
    requestedScopes: pending.scopes,
    previous: undefined,
  };
}
