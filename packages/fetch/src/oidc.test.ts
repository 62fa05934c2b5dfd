// @mly/fetch against a real, certified OAuth 2.0 server (oidc-provider through @mly/oidc-harness).
import { createClient, formatTokenKey, LoginRequiredError, OAuthError, oauth2Profile, type ProviderProfile } from "@mly/auth-core";
import { createTokenRenewer, MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { startOidcServer, type OidcServer } from "@mly/oidc-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKyTransport } from "./ky_transport.ts";
import { clientCredentialsToken, finishLogin, startLogin } from "./login.ts";

let server: OidcServer;
let profile: (auth: "client_secret_basic" | "client_secret_post" | "none") => ProviderProfile;

beforeAll(async () => {
  server = await startOidcServer({ ttl: { accessToken: 60 } });
  profile = (auth) =>
    oauth2Profile({
      issuer: server.issuer,
      requireIssuerInCallback: true,
      authorizationEndpoint: server.authorizationEndpoint,
      tokenEndpoint: server.tokenEndpoint,
      tokenEndpointAuth: auth,
      defaultScopes: ["read"],
    });
});
afterAll(async () => {
  await server.close();
});

describe("@mly/fetch against oidc-provider", () => {
  it("code + PKCE through the ky transport, for a public client", async () => {
    const client = createClient({ clientId: server.clients.public.clientId });
    const p = profile("none");
    const { url, pending } = await startLogin({ profile: p, client }, { redirectUri: server.clients.public.redirectUri });
    expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");
    const tokens = await finishLogin({ profile: p, client, transport: createKyTransport() }, pending, await server.authorize(url));
    expect(tokens.refreshToken).toBeDefined();
    expect(tokens.issuer).toBe(server.issuer);
  });

  it("refresh with rotation: the coordinator stores the rotated refresh token and never reuses the old one", async () => {
    const c = server.clients.basic;
    const client = createClient({ clientId: c.clientId, clientSecret: c.clientSecret });
    const p = profile("client_secret_basic");
    const { url, pending } = await startLogin({ profile: p, client }, { redirectUri: c.redirectUri });
    const first = await finishLogin({ profile: p, client }, pending, await server.authorize(url));
    const store = new MemoryTokenStore();
    const key = formatTokenKey({ provider: p.id, clientId: c.clientId });
    await store.set(key, first);
    const coordinator = new RefreshCoordinator({ store, renew: createTokenRenewer({ profile: p, client, transport: createKyTransport() }) });
    const second = await coordinator.renewRejected(key, first.accessToken);
    expect(second.refreshToken!.equals(first.refreshToken!)).toBe(false);
    expect((await store.get(key))?.tokens.refreshToken!.equals(second.refreshToken!)).toBe(true);
    const third = await coordinator.renewRejected(key, second.accessToken);
    expect(third.refreshToken!.equals(second.refreshToken!)).toBe(false);
    // The old refresh token is dead at the server: it was rotated, and the coordinator never sent it again.
    expect((await server.inspect(first.refreshToken!.reveal()))?.consumed).toBe(true);
    expect((await server.inspect(second.refreshToken!.reveal()))?.consumed).toBe(true);
    // Had the old one been sent again, reuse detection would have revoked the whole chain.
    expect((await server.inspect(third.refreshToken!.reveal()))?.consumed).toBe(false);
  });

  it("a refresh token revoked at the server surfaces as LoginRequiredError, with the store untouched", async () => {
    const c = server.clients.post;
    const client = createClient({ clientId: c.clientId, clientSecret: c.clientSecret });
    const p = profile("client_secret_post");
    const { url, pending } = await startLogin({ profile: p, client }, { redirectUri: c.redirectUri });
    const tokens = await finishLogin({ profile: p, client }, pending, await server.authorize(url));
    await server.revoke(tokens.refreshToken!.reveal());
    const store = new MemoryTokenStore();
    await store.set("k", tokens);
    const coordinator = new RefreshCoordinator({ store, renew: createTokenRenewer({ profile: p, client, transport: createKyTransport() }) });
    const error = await coordinator.renewRejected("k", tokens.accessToken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as LoginRequiredError).cause).toBeInstanceOf(OAuthError);
    expect(((error as LoginRequiredError).cause as OAuthError).error).toBe("invalid_grant");
    expect((await store.get("k"))?.tokens.refreshToken!.equals(tokens.refreshToken!)).toBe(true);
  });

  it("client credentials, and invalid_client as a typed error without the secret", async () => {
    const c = server.clients.service;
    const p = profile("client_secret_basic");
    const tokens = await clientCredentialsToken({ profile: p, client: { clientId: c.clientId, clientSecret: c.clientSecret } }, []);
    expect(tokens.kind).toBe("client_app");
    const error = await clientCredentialsToken({ profile: p, client: { clientId: c.clientId, clientSecret: "not-the-secret-123" } }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("invalid_client");
    expect((error as OAuthError).status).toBe(401);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain("not-the-secret-123");
  });
});
