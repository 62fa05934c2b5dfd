// discoverProfile and revokeToken against oidc-provider (@mly/oidc-harness), and against a
// loopback server that serves hand-made RFC 8414 documents.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConfigError,
  createClient,
  HttpError,
  InvalidResponseError,
  mapillary,
  OAuthError,
  type ProviderProfile,
} from "@mly/auth-core";
import { startOidcServer, type OidcServer } from "@mly/oidc-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverMetadata, discoverProfile } from "./discover_profile.ts";
import { finishLogin, refreshTokens, startLogin } from "./login.ts";
import { revokeToken } from "./revoke_token.ts";

let oidc: OidcServer;
let plain: Server;
let plainUrl: string;
/** What the hand-made server answers, by path. */
const documents = new Map<string, { status: number; body: string; headers?: Record<string, string>; chunked?: boolean }>();
const requested: string[] = [];

beforeAll(async () => {
  oidc = await startOidcServer({ ttl: { accessToken: 60 } });
  plain = createServer((req, res) => {
    requested.push(req.url ?? "");
    const answer = documents.get(req.url ?? "") ?? { status: 404, body: "{}" };
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    if (answer.chunked === true) {
      // Two writes: chunked transfer encoding, no content-length to refuse the body early.
      res.write(answer.body.slice(0, 1000));
      res.end(answer.body.slice(1000));
    } else {
      res.end(answer.body);
    }
  });
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await oidc.close();
  plain.closeAllConnections();
  await new Promise((resolve) => plain.close(resolve));
});

function rfc8414(issuer: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, response_types_supported: ["code"], authorization_endpoint: `${issuer}/authorize`, ...overrides });
}

async function logIn(profile: ProviderProfile, which: "basic" | "post") {
  const c = oidc.clients[which];
  const client = createClient({ clientId: c.clientId, clientSecret: c.clientSecret });
  const { url, pending } = await startLogin({ profile, client }, { redirectUri: c.redirectUri });
  return { client, tokens: await finishLogin({ profile, client }, pending, await oidc.authorize(url)) };
}

describe("discoverProfile against oidc-provider", () => {
  it("falls back to the OpenID document and builds a profile with the server's endpoints, auth, PKCE and iss", async () => {
    const metadata = await discoverMetadata(oidc.issuer);
    expect(metadata.revocationEndpoint).toBe(oidc.revocationEndpoint);
    const profile = await discoverProfile(oidc.issuer, { defaultScopes: ["read"] });
    expect(profile).toMatchObject({
      issuer: oidc.issuer,
      authorizationEndpoint: oidc.authorizationEndpoint,
      tokenEndpoint: oidc.tokenEndpoint,
      revocationEndpoint: oidc.revocationEndpoint,
      tokenEndpointAuth: "client_secret_basic",
      pkce: true,
      requireIssuerInCallback: true,
    });
    expect(profile.grants).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]));
    // The discovered profile works end to end: code + PKCE, the callback's iss checked.
    const { tokens } = await logIn(profile, "basic");
    expect(tokens.issuer).toBe(oidc.issuer);
  });

  it("refuses oidc-provider's document when asked for another issuer (a trailing slash is another issuer)", async () => {
    const error = await discoverMetadata(`${oidc.issuer}/`, { document: "openid-configuration" }).catch((e: unknown) => e);
    // oidc-provider answers the slash-less URL; its document names the slash-less issuer.
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/RFC 8414 §3\.3/);
  });
});

describe("revokeToken against oidc-provider", () => {
  it("after revoking a TokenSet, a refresh with its refresh token fails with invalid_grant and the access token is dead", async () => {
    const profile = await discoverProfile(oidc.issuer, { tokenEndpointAuth: "client_secret_post", defaultScopes: ["read"] });
    const { client, tokens } = await logIn(profile, "post");
    const before = await fetch(oidc.resourceUrl, { headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` } });
    expect(before.status).toBe(200);
    await revokeToken(profile, client, tokens);
    const error = await refreshTokens({ profile, client }, tokens).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("invalid_grant");
    const after = await fetch(oidc.resourceUrl, { headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` } });
    expect(after.status).toBe(401);
  });

  it("a bare refresh token with its hint; wrong client credentials → invalid_client without the secret", async () => {
    const profile = await discoverProfile(oidc.issuer, { defaultScopes: ["read"] });
    const { client, tokens } = await logIn(profile, "basic");
    const wrong = { clientId: client.clientId, clientSecret: "not-the-secret-987" };
    const refused = await revokeToken(profile, wrong, tokens.refreshToken!, { tokenTypeHint: "refresh_token" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).error).toBe("invalid_client");
    expect(JSON.stringify(refused) + (refused as Error).message).not.toContain("not-the-secret-987");
    expect((await oidc.inspect(tokens.refreshToken!.reveal()))?.consumed).toBe(false);
    await revokeToken(profile, client, tokens.refreshToken!, { tokenTypeHint: "refresh_token" });
    expect(await oidc.inspect(tokens.refreshToken!.reveal())).toBeUndefined();
  });

  it("a profile without a revocation endpoint → ConfigError, nothing sent", async () => {
    const error = await revokeToken(mapillary, { clientId: "1234", clientSecret: "MLY|1234|x" }, "token-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
  });
});

describe("discoverMetadata against hand-made documents", () => {
  it("reads the RFC 8414 document of an issuer with a path, at the well-known URL with the path after it", async () => {
    const issuer = `${plainUrl}/tenant-a`;
    documents.set("/.well-known/oauth-authorization-server/tenant-a", { status: 200, body: rfc8414(issuer, { revocation_endpoint: `${issuer}/revoke` }) });
    requested.length = 0;
    const profile = await discoverProfile(issuer);
    expect(requested).toEqual(["/.well-known/oauth-authorization-server/tenant-a"]);
    expect(profile.revocationEndpoint).toBe(`${issuer}/revoke`);
    expect(profile.requireIssuerInCallback).toBe(false);
  });

  it("refuses a document naming another issuer, without trying the OpenID URL", async () => {
    const issuer = `${plainUrl}/tenant-b`;
    documents.set("/.well-known/oauth-authorization-server/tenant-b", { status: 200, body: rfc8414("https://evil.example/tenant-b") });
    documents.set("/tenant-b/.well-known/openid-configuration", { status: 200, body: rfc8414(issuer) });
    requested.length = 0;
    const error = await discoverMetadata(issuer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(requested).toEqual(["/.well-known/oauth-authorization-server/tenant-b"]);
  });

  it("refuses a body larger than maxBodyBytes (announced or streamed), and does not follow redirects", async () => {
    const issuer = `${plainUrl}/tenant-c`;
    documents.set("/.well-known/oauth-authorization-server/tenant-c", { status: 200, body: rfc8414(issuer, { padding: "x".repeat(300_000) }) });
    const large = await discoverMetadata(issuer).catch((e: unknown) => e);
    expect(large).toBeInstanceOf(InvalidResponseError);
    expect((large as Error).message).toMatch(/exceeds 262144 bytes/);
    const small = await discoverMetadata(issuer, { maxBodyBytes: 1_000_000 });
    expect(small.issuer).toBe(issuer);
    const streamed = `${plainUrl}/tenant-e`;
    documents.set("/.well-known/oauth-authorization-server/tenant-e", { status: 200, body: rfc8414(streamed, { padding: "x".repeat(300_000) }), chunked: true });
    const endless = await discoverMetadata(streamed).catch((e: unknown) => e);
    expect(endless).toBeInstanceOf(InvalidResponseError);
    expect((endless as Error).message).toMatch(/exceeds 262144 bytes/);

    const moved = `${plainUrl}/tenant-d`;
    documents.set("/.well-known/oauth-authorization-server/tenant-d", { status: 302, body: "", headers: { location: "https://evil.example/" } });
    const redirected = await discoverMetadata(moved, { document: "oauth-authorization-server" }).catch((e: unknown) => e);
    expect(redirected).toBeInstanceOf(HttpError);
    expect((redirected as HttpError).status).toBe(302);
  });

  it("both well-known URLs missing → HttpError 404; an http issuer off loopback → ConfigError before any request", async () => {
    const error = await discoverMetadata(`${plainUrl}/nobody`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(404);
    requested.length = 0;
    expect(await discoverMetadata("http://auth.example.com").catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
    expect(requested).toEqual([]);
  });
});
