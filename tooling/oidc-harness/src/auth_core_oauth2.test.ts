// The generic `oauth2` profile of @mly/auth-core, driven with plain `fetch` against a real,
// certified OAuth 2.0 server (oidc-provider): code flow with PKCE, refresh with rotation, client
// credentials, and the errors a client meets on the way.
import {
  AuthorizationError,
  buildAuthorizationUrl,
  buildClientCredentials,
  buildCodeExchange,
  buildRefresh,
  createClient,
  InvalidCallbackError,
  OAuthError,
  oauth2Profile,
  processTokenResponse,
  readResponse,
  validateCallback,
} from "@mly/auth-core";
import type { HttpRequestDescription, OAuthClient, ProviderProfile, TokenRequest, TokenSet } from "@mly/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { HarnessClient } from "./options.ts";
import { startOidcServer } from "./server.ts";
import type { OidcServer } from "./server.ts";

let server: OidcServer;
let metadata: Record<string, unknown>;

beforeAll(async () => {
  server = await startOidcServer({ ttl: { accessToken: 60, clientCredentials: 30 } });
  metadata = (await (await fetch(server.discoveryUrl)).json()) as Record<string, unknown>;
});

afterAll(async () => {
  await server.close();
});

/** The transport: plain fetch. */
async function send(request: HttpRequestDescription): ReturnType<typeof readResponse> {
  return readResponse(await fetch(request.toRequest()));
}

async function grant(call: TokenRequest): Promise<TokenSet> {
  return processTokenResponse(call, await send(call.request), Date.now());
}

/** The profile as an app would configure it from the server's RFC 8414 metadata. */
function profileFor(client: HarnessClient, overrides: Partial<Parameters<typeof oauth2Profile>[0]> = {}): ProviderProfile {
  return oauth2Profile({
    issuer: String(metadata["issuer"]),
    requireIssuerInCallback: metadata["authorization_response_iss_parameter_supported"] === true,
    authorizationEndpoint: String(metadata["authorization_endpoint"]),
    tokenEndpoint: String(metadata["token_endpoint"]),
    tokenEndpointAuth: client.tokenEndpointAuthMethod,
    scopes: ["read", "write", "offline_access"],
    defaultScopes: ["read"],
    ...overrides,
  });
}

function appFor(client: HarnessClient): OAuthClient {
  return createClient({ clientId: client.clientId, clientSecret: client.clientSecret });
}

async function bearerStatus(tokens: TokenSet): Promise<number> {
  const response = await fetch(server.resourceUrl, { headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` } });
  await response.body?.cancel();
  return response.status;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

/** Code flow up to tokens: authorization URL → harness login/consent → callback → exchange. */
async function logIn(profile: ProviderProfile, app: OAuthClient, client: HarnessClient, scopes = ["read", "write"]): Promise<TokenSet> {
  const { url, pending } = await buildAuthorizationUrl(profile, app, { redirectUri: client.redirectUri, scopes });
  expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");
  const callback = validateCallback(profile, pending, await server.authorize(url));
  expect(callback.issuer).toBe(server.issuer);
  return grant(buildCodeExchange(profile, app, callback));
}

describe("@mly/auth-core oauth2 profile against oidc-provider, over plain fetch", () => {
  it.each(["basic", "post", "public"] as const)(
    "%s client: full code flow with PKCE, then a refresh that rotates the refresh token",
    async (name) => {
      const client = server.clients[name];
      const profile = profileFor(client);
      const app = appFor(client);

      const before = Date.now();
      const tokens = await logIn(profile, app, client);
      expect(tokens).toMatchObject({ kind: "user", tokenType: "bearer", provider: "oauth2", scopes: ["read", "write"] });
      expect(tokens.refreshToken).toBeDefined();
      expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 60_000 - 1000);
      expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000 + 1000);
      expect(await bearerStatus(tokens)).toBe(200);
      expect(await server.inspect(tokens.accessToken.reveal())).toMatchObject({ clientId: client.clientId, accountId: "user-1" });

      const refreshed = await grant(buildRefresh(profile, app, tokens));
      expect(refreshed.refreshToken).toBeDefined();
      expect(refreshed.refreshToken!.reveal()).not.toBe(tokens.refreshToken!.reveal());
      expect(refreshed.accessToken.reveal()).not.toBe(tokens.accessToken.reveal());
      expect(refreshed.scopes).toEqual(["read", "write"]);
      expect(await bearerStatus(refreshed)).toBe(200);

      // Rotation: the first refresh token is spent; the server says invalid_grant and auth-core
      // surfaces it as a typed OAuthError with no secret in its message.
      const replay = await rejection(grant(buildRefresh(profile, app, tokens)));
      expect(replay).toBeInstanceOf(OAuthError);
      expect(replay).toMatchObject({ error: "invalid_grant", status: 400 });
      expect(String(replay)).not.toContain(tokens.refreshToken!.reveal());
    },
  );

  it("a refresh can narrow the scopes (RFC 6749 §6)", async () => {
    const client = server.clients.basic;
    const profile = profileFor(client);
    const app = appFor(client);
    const tokens = await logIn(profile, app, client);
    const narrowed = await grant(buildRefresh(profile, app, tokens, { scopes: ["read"] }));
    expect(narrowed.scopes).toEqual(["read"]);
    expect(await server.inspect(narrowed.accessToken.reveal())).toMatchObject({ scope: "read" });
  });

  it("client credentials: an app token, no refresh token", async () => {
    const client = server.clients.service;
    const profile = profileFor(client, { grants: ["client_credentials"] });
    const tokens = await grant(buildClientCredentials(profile, appFor(client), { scopes: ["read", "write"] }));
    expect(tokens).toMatchObject({ kind: "client_app", tokenType: "bearer", scopes: ["read", "write"], refreshToken: undefined });
    expect(tokens.expiresAt! - tokens.issuedAt).toBe(30_000);
    expect(await bearerStatus(tokens)).toBe(200);
    expect(await server.inspect(tokens.accessToken.reveal())).toMatchObject({ kind: "ClientCredentials", clientId: client.clientId });
  });

  it("a wrong client secret is a 401 invalid_client OAuthError that does not echo the secret", async () => {
    const client = server.clients.service;
    const profile = profileFor(client, { grants: ["client_credentials"] });
    const app = createClient({ clientId: client.clientId, clientSecret: "not-the-secret" });
    const error = await rejection(grant(buildClientCredentials(profile, app)));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: "invalid_client", status: 401 });
    expect(JSON.stringify(error)).not.toContain("not-the-secret");
  });

  it("the profile's client authentication is the one on the wire (basic vs post)", async () => {
    const client = server.clients.basic;
    const asPost = profileFor(client, { tokenEndpointAuth: "client_secret_post" });
    const error = await rejection(logIn(asPost, appFor(client), client));
    expect(error).toMatchObject({ error: "invalid_client", status: 401 });
  });

  it("a denied consent reaches the app as an AuthorizationError (access_denied)", async () => {
    const client = server.clients.public;
    const profile = profileFor(client);
    const { url, pending } = await buildAuthorizationUrl(profile, appFor(client), { redirectUri: client.redirectUri });
    const callbackUrl = await server.authorize(url, { deny: true });
    const error: unknown = (() => {
      try {
        return validateCallback(profile, pending, callbackUrl);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ error: "access_denied" });
  });

  it("RFC 9207: a callback whose iss is another issuer is refused (mix-up defence)", async () => {
    const client = server.clients.public;
    const honest = profileFor(client);
    const { url, pending } = await buildAuthorizationUrl(honest, appFor(client), { redirectUri: client.redirectUri });
    const callbackUrl = await server.authorize(url);
    expect(new URL(callbackUrl).searchParams.get("iss")).toBe(server.issuer);
    const expectingAnother = profileFor(client, { issuer: "https://as.example" });
    expect(() => validateCallback(expectingAnother, pending, callbackUrl)).toThrow(InvalidCallbackError);
  });

  it("a code is single-use: exchanging the same callback twice is invalid_grant", async () => {
    const client = server.clients.post;
    const profile = profileFor(client);
    const app = appFor(client);
    const { url, pending } = await buildAuthorizationUrl(profile, app, { redirectUri: client.redirectUri });
    expect(pending.codeVerifier).toBeDefined();
    const callback = validateCallback(profile, pending, await server.authorize(url));
    await grant(buildCodeExchange(profile, app, callback));
    const again = await rejection(grant(buildCodeExchange(profile, app, callback)));
    expect(again).toMatchObject({ error: "invalid_grant", status: 400 });
  });
});
