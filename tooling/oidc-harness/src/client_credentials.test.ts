import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { tokenRequest } from "./_test_fetch.ts";
import { startOidcServer } from "./server.ts";
import type { OidcServer } from "./server.ts";

let server: OidcServer;

beforeAll(async () => {
  server = await startOidcServer({ ttl: { clientCredentials: 120 } });
});

afterAll(async () => {
  await server.close();
});

describe("client credentials, with plain fetch", () => {
  it("issues an access token, and no refresh token", async () => {
    const client = server.clients.service;
    const reply = await tokenRequest(server, client, { grant_type: "client_credentials", scope: "read" });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: "Bearer", scope: "read", expires_in: 120 });
    expect(reply.body["refresh_token"]).toBeUndefined();
    const token = String(reply.body["access_token"]);
    expect(await server.inspect(token)).toMatchObject({ kind: "ClientCredentials", clientId: client.clientId });
    const resource = await fetch(server.resourceUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(await resource.json()).toEqual({ client_id: client.clientId, sub: null, scope: "read" });
  });

  it("a token revoked server-side stops working", async () => {
    const reply = await tokenRequest(server, server.clients.service, { grant_type: "client_credentials" });
    const token = String(reply.body["access_token"]);
    expect(await server.revoke(token)).toBe(true);
    const resource = await fetch(server.resourceUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(resource.status).toBe(401);
    expect(await server.revoke(token)).toBe(false);
  });

  it("rejects an unknown scope of the client", async () => {
    const reply = await tokenRequest(server, server.clients.service, { grant_type: "client_credentials", scope: "openid" });
    expect(reply.status).toBe(400);
    expect(reply.body["error"]).toBe("invalid_scope");
  });

  it("is refused to a client not registered for it", async () => {
    const reply = await tokenRequest(server, server.clients.basic, { grant_type: "client_credentials" });
    expect(reply.status).toBe(400);
    // oidc-provider answers invalid_request here ("requested grant type is not allowed for this
    // client"), where RFC 6749 §5.2 names unauthorized_client.
    expect(reply.body["error"]).toBe("invalid_request");
    expect(reply.body["error_description"]).toMatch(/grant type is not allowed/);
  });
});

describe("client authentication", () => {
  it("a wrong secret is invalid_client (401)", async () => {
    const client = { ...server.clients.service, clientSecret: "wrong" };
    const reply = await tokenRequest(server, client, { grant_type: "client_credentials" });
    expect(reply.status).toBe(401);
    expect(reply.body["error"]).toBe("invalid_client");
  });

  it("an unknown client is invalid_client", async () => {
    const client = { ...server.clients.service, clientId: "nobody" };
    const reply = await tokenRequest(server, client, { grant_type: "client_credentials" });
    expect(reply.status).toBe(401);
    expect(reply.body["error"]).toBe("invalid_client");
  });

  it("each client must use the method it registered (the harness's strictClientAuth)", async () => {
    const basicAsPost = await tokenRequest(server, server.clients.service, { grant_type: "client_credentials" }, "client_secret_post");
    expect(basicAsPost.status).toBe(401);
    expect(basicAsPost.body["error"]).toBe("invalid_client");
    const postAsBasic = await tokenRequest(
      server,
      server.clients.post,
      { grant_type: "refresh_token", refresh_token: "x" },
      "client_secret_basic",
    );
    expect(postAsBasic.body["error"]).toBe("invalid_client");
  });

  it("a public client cannot use a confidential client's id without its secret", async () => {
    const reply = await tokenRequest(server, server.clients.basic, { grant_type: "refresh_token", refresh_token: "x" }, "none");
    expect(reply.status).toBe(401);
    expect(reply.body["error"]).toBe("invalid_client");
  });
});

describe("strictClientAuth: false", () => {
  it("leaves oidc-provider's own rule: either secret method for any client with a secret", async () => {
    const lax = await startOidcServer({ strictClientAuth: false });
    try {
      const reply = await tokenRequest(lax, lax.clients.service, { grant_type: "client_credentials" }, "client_secret_post");
      expect(reply.status).toBe(200);
    } finally {
      await lax.close();
    }
  });
});
