import { createHash, randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startAuthlibServer } from "./launch.ts";
import type { AuthlibServer } from "./launch.ts";
import { authlibOrSkip } from "./python.ts";

const available = authlibOrSkip();

/** The code flow with plain fetch for the public client; returns the token response. */
async function codeFlow(server: AuthlibServer): Promise<Record<string, unknown>> {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(server.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: "public-client",
    redirect_uri: server.callbackUrl,
    scope: "read",
    state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const code = new URL(await server.authorize(url)).searchParams.get("code") ?? "";
  const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: server.callbackUrl, client_id: "public-client", code_verifier: verifier });
  return (await (await fetch(server.tokenEndpoint, { method: "POST", body })).json()) as Record<string, unknown>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available)("the Authlib server on loopback", () => {
  let server: AuthlibServer;

  beforeAll(async () => {
    server = await startAuthlibServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it("listens on a free loopback port and publishes RFC 8414 metadata", async () => {
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(server.issuer).port).not.toBe("0");
    const metadata = (await (await fetch(server.metadataUrl)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      authorization_endpoint: server.authorizationEndpoint,
      token_endpoint: server.tokenEndpoint,
      code_challenge_methods_supported: ["S256"],
      revocation_endpoint: server.revocationEndpoint,
    });
  });

  it("RFC 7009 revocation: the client's own token stops working; unknown tokens and other clients' tokens are a 200 that revokes nothing", async () => {
    const tokens = await codeFlow(server);
    const access = String(tokens["access_token"]);
    const bearer = { headers: { authorization: `Bearer ${access}` } };
    const revoke = (clientId: string, token: string): Promise<Response> =>
      fetch(server.revocationEndpoint, { method: "POST", body: new URLSearchParams({ token, token_type_hint: "access_token", client_id: clientId }) });
    expect((await fetch(server.resourceUrl, bearer)).status).toBe(200);
    const before = await server.revocations();
    expect((await revoke("public-client", "never-issued")).status).toBe(200);
    // Another client (here: one that cannot even authenticate this way) cannot revoke it.
    expect((await revoke("basic-client", access)).status).toBe(401);
    expect((await fetch(server.resourceUrl, bearer)).status).toBe(200);
    expect(await server.revocations()).toBe(before);
    expect((await revoke("public-client", access)).status).toBe(200);
    expect(await server.revocations()).toBe(before + 1);
    expect((await fetch(server.resourceUrl, bearer)).status).toBe(401);
  });

  it("registers its own /callback first on every code client, none on the service client", () => {
    expect(server.clients.basic.redirectUris[0]).toBe(server.callbackUrl);
    expect(server.clients.public.clientSecret).toBeUndefined();
    expect(server.clients.service.redirectUris).toEqual([]);
  });

  it("refuses an authorization request without PKCE, on the client's callback", async () => {
    const url = new URL(server.authorizationEndpoint);
    url.search = new URLSearchParams({ response_type: "code", client_id: "public-client", redirect_uri: server.callbackUrl, state: "s" }).toString();
    const callback = new URL(await server.authorize(url));
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("state")).toBe("s");
  });

  it("counts token requests by grant type, failed ones too", async () => {
    const before = await server.tokenRequests();
    const response = await fetch(server.tokenEndpoint, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "unknown", client_id: "public-client" }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
    const after = await server.tokenRequests();
    expect((after["refresh_token"] ?? 0) - (before["refresh_token"] ?? 0)).toBe(1);
  });

  it("two concurrent refreshes with one rotating refresh token: one succeeds, one is invalid_grant", async () => {
    const first = await codeFlow(server);
    const refresh = (): Promise<Response> =>
      fetch(server.tokenEndpoint, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: String(first["refresh_token"]), client_id: "public-client" }),
      });
    const answers = await Promise.all([refresh(), refresh()]);
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Record<string, unknown>[];
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(bodies.filter((body) => body["error"] === "invalid_grant")).toHaveLength(1);
  });
});

describe.skipIf(!available)("stopping", () => {
  it("close() stops the Python process by pid and waits for it", async () => {
    const server = await startAuthlibServer();
    expect(alive(server.pid)).toBe(true);
    await server.close();
    expect(alive(server.pid)).toBe(false);
    await expect(fetch(server.metadataUrl)).rejects.toThrow();
  });

  it("a server that cannot start fails with its own error, not a hang", async () => {
    await expect(startAuthlibServer({ python: "/usr/bin/false" })).rejects.toThrow(/exited \(1\) before listening/);
  });
});
