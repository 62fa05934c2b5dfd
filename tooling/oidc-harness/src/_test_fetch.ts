// Plain-fetch helpers for the harness's own tests (not part of the package).
import { createPkcePair } from "./pkce.ts";
import type { PkcePair } from "./pkce.ts";
import type { HarnessClient } from "./options.ts";
import type { OidcServer } from "./server.ts";

export interface TokenReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export function authorizationUrl(
  server: OidcServer,
  client: HarnessClient,
  extra: Record<string, string> = {},
): { url: URL; pkce: PkcePair; state: string } {
  const pkce = createPkcePair();
  const state = crypto.randomUUID();
  const url = new URL(server.authorizationEndpoint);
  const params = {
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: "read",
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    ...extra,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { url, pkce, state };
}

/** POSTs a token request, authenticating the way the client is registered to. */
export async function tokenRequest(
  server: OidcServer,
  client: HarnessClient,
  params: Record<string, string>,
  auth: HarnessClient["tokenEndpointAuthMethod"] = client.tokenEndpointAuthMethod,
): Promise<TokenReply> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const secret = client.clientSecret ?? "";
  if (auth === "client_secret_basic") {
    const user = encodeURIComponent(client.clientId);
    headers["authorization"] = `Basic ${btoa(`${user}:${encodeURIComponent(secret)}`)}`;
  } else {
    body.set("client_id", client.clientId);
    if (auth === "client_secret_post") body.set("client_secret", secret);
  }
  const response = await fetch(server.tokenEndpoint, { method: "POST", headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** Runs the whole code flow for a client and returns the token response. */
export async function codeFlow(
  server: OidcServer,
  client: HarnessClient,
  extra: Record<string, string> = {},
): Promise<TokenReply> {
  const { url, pkce } = authorizationUrl(server, client, extra);
  const callback = new URL(await server.authorize(url));
  const code = callback.searchParams.get("code");
  if (code === null) throw new Error(`no code in ${callback.href}`);
  return tokenRequest(server, client, {
    grant_type: "authorization_code",
    code,
    redirect_uri: client.redirectUri,
    code_verifier: pkce.verifier,
  });
}
