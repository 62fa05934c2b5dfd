import { requireSecret, type OAuthClient } from "./client.ts";
import { HttpRequestDescription } from "./http.ts";
import type { GrantType, ProviderProfile } from "./profile.ts";
import { Secret } from "./secret.ts";
import type { TokenKind, TokenSet } from "./token_set.ts";
import { parseTokenResponse, type TokenResponseContext } from "./token_response.ts";
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
  return parseTokenResponse(response, { ...call, now } as TokenResponseContext);
}

/** Builds the HTTP request for a token-endpoint call with the profile's client authentication and body encoding. */
export function tokenEndpointRequest(
  profile: ProviderProfile,
  client: OAuthClient,
  params: Record<string, string>,
  secrets: readonly Secret[],
): HttpRequestDescription {
  const auth = profile.tokenEndpointAuth;
  const id = client.clientId;
  const json = profile.tokenRequestEncoding === "json";
  const headers: Record<string, string> = { accept: "application/json", "content-type": json ? "application/json" : "application/x-www-form-urlencoded" };
  const fields: Record<string, string | number> = { ...params, client_id: id };
  const all = [...secrets];
  if (auth !== "none") {
    const secret = requireSecret(client, profile.name);
    all.push(secret);
    if (auth === "oauth_header") {
      headers["authorization"] = `OAuth ${secret.reveal()}`;
      if (profile.numericClientId && /^\d{1,15}$/.test(id)) fields["client_id"] = Number(id);
    } else if (auth === "client_secret_post") {
      fields["client_secret"] = secret.reveal();
    } else {
      const credential = new Secret(btoa(`${formEncode(id)}:${formEncode(secret.reveal())}`));
      headers["authorization"] = `Basic ${credential.reveal()}`;
      // A server that echoes the Authorization header must not leak the credential either.
      all.push(credential);
      delete fields["client_id"];
    }
  }
  const url = new URL(profile.tokenEndpoint);
  if (profile.clientIdInQuery) url.searchParams.set("client_id", id);
  // URLSearchParams turns the numbers into strings.
  const body = json ? JSON.stringify(fields) : new URLSearchParams(fields as Record<string, string>).toString();
  return new HttpRequestDescription({ method: "POST", url: url.href, headers, body, secrets: all });
}

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 §2.3.1, Appendix B). */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
