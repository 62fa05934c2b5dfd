import { _requireSecret, type OAuthClient } from "./client.ts";
import { HttpRequestDescription } from "./http.ts";
import type { GrantType, ProviderProfile } from "./profile.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { parseTokenResponse } from "./token_response.ts";
import type { HttpResponseData } from "./http.ts";

/**
 * A token-endpoint call, built by `buildCodeExchange`, `buildRefresh` or
 * `buildClientCredentials`: send {@link TokenRequest.request}, then give the response to
 * {@link processTokenResponse}.
 */
export interface TokenRequest {
  /** The grant this request uses. */
  readonly grant: GrantType;
  /** The HTTP request to send (it redacts itself when printed). */
  readonly request: HttpRequestDescription;
  /** The provider. */
  readonly profile: ProviderProfile;
  /** The kind of token this grant yields. */
  readonly kind: TokenKind;
  /** The requested scopes. */
  readonly requestedScopes: readonly string[];
  /** The token set being refreshed, if any. */
  readonly previous: TokenSet | undefined;
}

/**
 * Validates the token endpoint's response to a {@link TokenRequest} into a {@link TokenSet}.
 *
 * @throws {MlyError} a typed error for an error response or an invalid body.
 *
 * @example
 * ```ts
 * import { buildClientCredentials, createClient, mapiq, processTokenResponse, readResponse } from "@mly/auth-core";
 *
 * const call = buildClientCredentials(mapiq, createClient({ clientId: "id", clientSecret: "secret" }));
 * const response = await fetch(call.request.toRequest());
 * const tokens = processTokenResponse(call, await readResponse(response), Date.now());
 * ```
 */
export function processTokenResponse(call: TokenRequest, response: HttpResponseData, now: number): TokenSet {
  return parseTokenResponse(response, {
    profile: call.profile,
    request: call.request,
    now,
    kind: call.kind,
    requestedScopes: call.requestedScopes,
    ...(call.previous === undefined ? {} : { previous: call.previous }),
  });
}

/** Builds the HTTP request for a token-endpoint call with the profile's client authentication and body encoding. */
export function _tokenEndpointRequest(
  profile: ProviderProfile,
  client: OAuthClient,
  params: Record<string, string>,
  secrets: readonly Secret[],
): HttpRequestDescription {
  const headers: Record<string, string> = { accept: "application/json" };
  const fields: Record<string, string | number> = { ...params };
  const allSecrets = [...secrets];
  switch (profile.tokenEndpointAuth) {
    case "oauth_header": {
      const secret = _requireSecret(client, profile.name);
      headers["authorization"] = `OAuth ${secret.reveal()}`;
      allSecrets.push(secret);
      fields["client_id"] = profile.numericClientId && /^\d{1,15}$/.test(client.clientId) ? Number(client.clientId) : client.clientId;
      break;
    }
    case "client_secret_basic": {
      const secret = _requireSecret(client, profile.name);
      const credential = new Secret(btoa(`${_formEncode(client.clientId)}:${_formEncode(secret.reveal())}`));
      headers["authorization"] = `Basic ${credential.reveal()}`;
      // A server that echoes the Authorization header must not leak the credential either.
      allSecrets.push(secret, credential);
      break;
    }
    case "client_secret_post": {
      const secret = _requireSecret(client, profile.name);
      fields["client_id"] = client.clientId;
      fields["client_secret"] = secret.reveal();
      allSecrets.push(secret);
      break;
    }
    case "none":
      fields["client_id"] = client.clientId;
      break;
  }
  let body: string;
  if (profile.tokenRequestEncoding === "json") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(fields);
  } else {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, String(value)]))).toString();
  }
  const url = new URL(profile.tokenEndpoint);
  if (profile.clientIdInQuery) url.searchParams.set("client_id", client.clientId);
  return new HttpRequestDescription({ method: "POST", url: url.toString(), headers, body, secrets: allSecrets });
}

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 §2.3.1, Appendix B). */
function _formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
