import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { authorizationUrl, tokenRequest } from "./_test_fetch.ts";
import { startOidcServer } from "./server.ts";
import type { OidcServer } from "./server.ts";

let server: OidcServer;

beforeAll(async () => {
  server = await startOidcServer();
});

afterAll(async () => {
  await server.close();
});

describe("authorization code + PKCE with plain fetch", () => {
  it("listens on a random loopback port and publishes matching metadata", async () => {
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metadata = (await (await fetch(server.discoveryUrl)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      authorization_endpoint: server.authorizationEndpoint,
      token_endpoint: server.tokenEndpoint,
      revocation_endpoint: server.revocationEndpoint,
      introspection_endpoint: server.introspectionEndpoint,
      jwks_uri: server.jwksUri,
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata["grant_types_supported"]).toEqual(
      expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]),
    );
    const jwks = (await (await fetch(server.jwksUri)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toHaveLength(2);
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  });

  it.each(["basic", "post", "public"] as const)("%s client: code, state and iss come back; the code buys tokens", async (name) => {
    const client = server.clients[name];
    const { url, pkce, state } = authorizationUrl(server, client, { scope: "read write" });
    const callback = new URL(await server.authorize(url));

    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("iss")).toBe(server.issuer);
    const code = callback.searchParams.get("code")!;
    expect(code).toBeTruthy();

    const reply = await tokenRequest(server, client, {
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: pkce.verifier,
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.body).toMatchObject({ token_type: "Bearer", scope: "read write", expires_in: server.ttl.accessToken });
    expect(reply.body["access_token"]).toEqual(expect.any(String));
    expect(reply.body["refresh_token"]).toEqual(expect.any(String));

    const resource = await fetch(server.resourceUrl, {
      headers: { authorization: `Bearer ${String(reply.body["access_token"])}` },
    });
    expect(resource.status).toBe(200);
    expect(await resource.json()).toEqual({ client_id: client.clientId, sub: "user-1", scope: "read write" });
  });

  it("a code is single-use", async () => {
    const client = server.clients.basic;
    const { url, pkce } = authorizationUrl(server, client);
    const code = new URL(await server.authorize(url)).searchParams.get("code")!;
    const params = { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier };
    expect((await tokenRequest(server, client, params)).status).toBe(200);
    const again = await tokenRequest(server, client, params);
    expect(again.status).toBe(400);
    expect(again.body["error"]).toBe("invalid_grant");
  });

  it("a wrong code_verifier is invalid_grant", async () => {
    const client = server.clients.post;
    const { url } = authorizationUrl(server, client);
    const code = new URL(await server.authorize(url)).searchParams.get("code")!;
    const reply = await tokenRequest(server, client, {
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: "x".repeat(43),
    });
    expect(reply.status).toBe(400);
    expect(reply.body["error"]).toBe("invalid_grant");
  });

  it("PKCE is required, even for confidential clients, and only S256 is accepted", async () => {
    const client = server.clients.basic;
    const without = authorizationUrl(server, client);
    without.url.searchParams.delete("code_challenge");
    without.url.searchParams.delete("code_challenge_method");
    const missing = new URL(await server.authorize(without.url));
    expect(missing.searchParams.get("error")).toBe("invalid_request");
    expect(missing.searchParams.get("iss")).toBe(server.issuer);

    const plain = authorizationUrl(server, client, { code_challenge_method: "plain" });
    const refused = new URL(await server.authorize(plain.url));
    expect(refused.searchParams.get("error")).toBe("invalid_request");
  });

  it("a denied request returns access_denied with state and iss", async () => {
    const { url, state } = authorizationUrl(server, server.clients.public);
    const callback = new URL(await server.authorize(url, { deny: true }));
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("iss")).toBe(server.issuer);
  });

  it("signs in another account on request", async () => {
    const client = server.clients.public;
    const { url, pkce } = authorizationUrl(server, client);
    const code = new URL(await server.authorize(url, { accountId: "alice" })).searchParams.get("code")!;
    const reply = await tokenRequest(server, client, {
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: pkce.verifier,
    });
    const info = await server.inspect(String(reply.body["access_token"]));
    expect(info).toMatchObject({ kind: "AccessToken", accountId: "alice", clientId: client.clientId });
  });

  it("refuses an unregistered redirect_uri without redirecting to it", async () => {
    const { url } = authorizationUrl(server, server.clients.basic, { redirect_uri: "http://127.0.0.1:1/elsewhere" });
    await expect(server.authorize(url)).rejects.toThrow(/expected a redirect.*400.*redirect_uri/s);
  });

  it("an OpenID request also gets an ID token", async () => {
    const client = server.clients.basic;
    const { url, pkce } = authorizationUrl(server, client, { scope: "openid read", nonce: "n-1" });
    const code = new URL(await server.authorize(url)).searchParams.get("code")!;
    const reply = await tokenRequest(server, client, {
      grant_type: "authorization_code",
      code,
      redirect_uri: client.redirectUri,
      code_verifier: pkce.verifier,
    });
    expect(reply.status).toBe(200);
    const idToken = String(reply.body["id_token"]);
    const claims = JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: server.issuer, aud: client.clientId, sub: "user-1", nonce: "n-1" });
  });
});
