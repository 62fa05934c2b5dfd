import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { codeFlow, tokenRequest } from "./_test_fetch.ts";
import { startOidcServer } from "./server.ts";
import type { OidcServer } from "./server.ts";

let server: OidcServer;

beforeAll(async () => {
  // 2 s, not 1: lifetimes count in whole seconds, so a 1-second token issued late in a second can
  // be dead on arrival.
  server = await startOidcServer({ ttl: { accessToken: 2 } });
});

afterAll(async () => {
  await server.close();
});

describe("refresh tokens with rotation, with plain fetch", () => {
  it.each(["basic", "post", "public"] as const)("%s client: each refresh rotates; the old token is then invalid_grant", async (name) => {
    const client = server.clients[name];
    const first = await codeFlow(server, client, { scope: "read write" });
    const firstRefresh = String(first.body["refresh_token"]);

    const second = await tokenRequest(server, client, { grant_type: "refresh_token", refresh_token: firstRefresh });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: "Bearer", scope: "read write" });
    const secondRefresh = String(second.body["refresh_token"]);
    expect(secondRefresh).not.toBe(firstRefresh);
    expect(second.body["access_token"]).not.toBe(first.body["access_token"]);
    expect(await server.inspect(firstRefresh)).toMatchObject({ kind: "RefreshToken", consumed: true });

    const reused = await tokenRequest(server, client, { grant_type: "refresh_token", refresh_token: firstRefresh });
    expect(reused.status).toBe(400);
    expect(reused.body["error"]).toBe("invalid_grant");

    // Reuse detection: replaying a rotated token revokes the whole grant, the newest token too.
    const afterReuse = await tokenRequest(server, client, { grant_type: "refresh_token", refresh_token: secondRefresh });
    expect(afterReuse.status).toBe(400);
    expect(afterReuse.body["error"]).toBe("invalid_grant");
  });

  it("a refresh may narrow the scope, not widen it", async () => {
    const client = server.clients.basic;
    const first = await codeFlow(server, client, { scope: "read" });
    const narrowed = await tokenRequest(server, client, {
      grant_type: "refresh_token",
      refresh_token: String(first.body["refresh_token"]),
      scope: "write",
    });
    expect(narrowed.status).toBe(400);
    expect(narrowed.body["error"]).toBe("invalid_scope");
  });

  it("a refresh token belongs to its client", async () => {
    const first = await codeFlow(server, server.clients.basic);
    const stolen = await tokenRequest(server, server.clients.post, {
      grant_type: "refresh_token",
      refresh_token: String(first.body["refresh_token"]),
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body["error"]).toBe("invalid_grant");
  });

  it("access tokens expire after the configured seconds; a refresh gets a live one", async () => {
    const client = server.clients.public;
    const first = await codeFlow(server, client);
    expect(first.body["expires_in"]).toBe(2);
    const bearer = (token: unknown): RequestInit => ({ headers: { authorization: `Bearer ${String(token)}` } });
    expect((await fetch(server.resourceUrl, bearer(first.body["access_token"]))).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await fetch(server.resourceUrl, bearer(first.body["access_token"]));
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain('error="invalid_token"');

    const next = await tokenRequest(server, client, {
      grant_type: "refresh_token",
      refresh_token: String(first.body["refresh_token"]),
    });
    expect(next.status).toBe(200);
    expect((await fetch(server.resourceUrl, bearer(next.body["access_token"]))).status).toBe(200);
  });

  it("a refresh token revoked server-side is invalid_grant", async () => {
    const client = server.clients.post;
    const first = await codeFlow(server, client);
    const refresh = String(first.body["refresh_token"]);
    expect(await server.revoke(refresh)).toBe(true);
    const reply = await tokenRequest(server, client, { grant_type: "refresh_token", refresh_token: refresh });
    expect(reply.status).toBe(400);
    expect(reply.body["error"]).toBe("invalid_grant");
  });

  it("the RFC 7009 revocation endpoint revokes a refresh token", async () => {
    const client = server.clients.basic;
    const first = await codeFlow(server, client);
    const refresh = String(first.body["refresh_token"]);
    const response = await fetch(server.revocationEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret!}`)}`,
      },
      body: new URLSearchParams({ token: refresh, token_type_hint: "refresh_token" }),
    });
    expect(response.status).toBe(200);
    const reply = await tokenRequest(server, client, { grant_type: "refresh_token", refresh_token: refresh });
    expect(reply.body["error"]).toBe("invalid_grant");
  });
});

describe("refresh token issuance policy", () => {
  it("refreshTokens: 'offline_access' issues one only when that scope is granted", async () => {
    const strict = await startOidcServer({ refreshTokens: "offline_access" });
    try {
      const client = strict.clients.basic;
      const without = await codeFlow(strict, client, { scope: "read" });
      expect(without.body["refresh_token"]).toBeUndefined();
      const withOffline = await codeFlow(strict, client, { scope: "read offline_access", prompt: "consent" });
      expect(withOffline.body["refresh_token"]).toEqual(expect.any(String));
    } finally {
      await strict.close();
    }
  });
});
