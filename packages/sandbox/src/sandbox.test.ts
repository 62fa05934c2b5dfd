import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { CALLBACK, get, location, mapiqToken, v4Code, v4Token, withParams } from "./_test_helpers.ts";
import { fingerprint } from "./fingerprint.ts";
import { startSandbox } from "./sandbox.ts";

describe("startSandbox", () => {
  it("listens on loopback and exposes endpoints and credentials shaped like the real ones", async () => {
    const sb = await startSandbox();
    try {
      expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sb.endpoints).toEqual({
        mapillary: {
          authorizationEndpoint: `${sb.url}/mapillary/connect`,
          tokenEndpoint: `${sb.url}/mapillary/graph/token`,
          apiBaseUrl: `${sb.url}/mapillary/graph`,
          tilesBaseUrl: `${sb.url}/mapillary/tiles`,
        },
        mapillaryV2: {
          authorizationEndpoint: `${sb.url}/mapillary-v2/connect`,
          tokenEndpoint: `${sb.url}/mapillary-v2/v2/oauth/token`,
          apiBaseUrl: `${sb.url}/mapillary-v2`,
        },
        mapiq: { tokenEndpoint: `${sb.url}/mapiq/account/api/public/oauth2/token`, apiBaseUrl: `${sb.url}/mapiq/api` },
      });
      const { mapillary, mapiq } = sb.credentials;
      expect(mapillary.clientId).toMatch(/^[1-9]\d{6}$/);
      expect(mapillary.clientSecret).toMatch(new RegExp(`^MLY\\|${mapillary.clientId}\\|[0-9a-f]{32}$`));
      expect(mapillary.clientToken).toMatch(new RegExp(`^MLY\\|${mapillary.clientId}\\|[0-9a-f]{32}$`));
      expect(mapiq.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(sb.settings).toMatchObject({ autoApprove: false, codeLifetimeSeconds: 60, mapiqRateLimit: { limit: 20, windowMs: 60_000, shape: "sliding-log" } });
    } finally {
      await sb.close();
    }
  });

  it("honours port, pinned credentials and settings", async () => {
    const probe = await startSandbox();
    const port = probe.port;
    await probe.close();
    const sb = await startSandbox({ port, credentials: { mapillary: { clientId: "1234567" } }, settings: { mapiqRateLimit: { shape: "weighted" } } });
    try {
      expect(sb.url).toBe(`http://127.0.0.1:${port}`);
      expect(sb.credentials.mapillary.clientSecret.startsWith("MLY|1234567|")).toBe(true);
      expect(sb.settings.mapiqRateLimit).toEqual({ limit: 20, windowMs: 60_000, shape: "weighted" });
    } finally {
      await sb.close();
    }
  });

  it("close() is prompt with a keep-alive connection open and mid-latency requests pending", async () => {
    const sb = await startSandbox();
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(`${sb.url}/mapillary-v2/v2/status?client_id=${sb.credentials.mapillaryV2.clientId}`, { agent }, (res) => {
        res.resume();
        res.on("end", () => {
          resolve(res.statusCode ?? 0);
        });
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(200);
    const latency = sb.faults.inject({ fault: { kind: "latency", ms: 60_000 } });
    const pending = fetch(`${sb.url}/mapiq/api/v2/users`).catch((e: unknown) => e);
    // Wait until the request is inside the latency (a fixed 50 ms was too short on a busy machine).
    await expect.poll(() => latency.hits, { timeout: 30_000 }).toBe(1);
    const t0 = performance.now();
    await sb.close();
    // Hang detection only: a close() that waited for the request would take the full 60 s.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(await pending).toBeInstanceOf(Error);
    agent.destroy();
    await expect(fetch(sb.url)).rejects.toThrow();
  }, 50_000);

  it("expireAllTokens expires user and app tokens but not the client token", async () => {
    const sb = await startSandbox();
    try {
      const { access_token } = await v4Token(sb, await v4Code(sb));
      const mq = await mapiqToken(sb);
      expect(sb.expireAllTokens()).toBe(2);
      expect((await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${access_token}` })).status).toBe(401);
      expect((await get(`${sb.endpoints.mapiq.apiBaseUrl}/v2/users`, { authorization: `Bearer ${mq}` })).status).toBe(401);
      expect((await get(`${sb.endpoints.mapillary.apiBaseUrl}/images?bbox=10,10,11,11`, { authorization: `OAuth ${sb.credentials.mapillary.clientToken}` })).status).toBe(200);
      expect(sb.expireToken(sb.credentials.mapillary.clientToken)).toBe(false);
      expect(sb.revokeToken("never-issued")).toBe(false);
    } finally {
      await sb.close();
    }
  });

  it("answers CORS preflights and unknown routes in the API's shape", async () => {
    const sb = await startSandbox();
    try {
      const pre = await fetch(`${sb.endpoints.mapiq.apiBaseUrl}/v2/users`, { method: "OPTIONS" });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
      const nf = await get(`${sb.url}/mapiq/api/v3/nothing`);
      expect(await nf.json()).toEqual({ statusCode: 404, message: "Unknown path" });
      const v2 = await get(`${sb.url}/mapillary-v2/v2/nothing`);
      expect(await v2.json()).toMatchObject({ code: "not_found" });
      const method = await fetch(sb.endpoints.mapiq.tokenEndpoint);
      expect(method.status).toBe(405);
      expect(method.headers.get("allow")).toBe("POST");
      expect(sb.log.last()?.route).toBe("/mapiq/account/api/public/oauth2/token");
    } finally {
      await sb.close();
    }
  });
});

describe("request log", () => {
  it("records method, path, route, api, status, credential kind/location and grant type, never raw secrets", async () => {
    const lines: string[] = [];
    const sb = await startSandbox({ autoApprove: true, logger: (l) => lines.push(l) });
    try {
      const loc = location(await get(withParams(sb.endpoints.mapillary.authorizationEndpoint, { client_id: sb.credentials.mapillary.clientId, redirect_uri: CALLBACK, state: "s" })));
      const code = loc.searchParams.get("code") ?? "";
      const { access_token } = await v4Token(sb, code);
      await get(`${sb.endpoints.mapillary.apiBaseUrl}/me?access_token=${encodeURIComponent(access_token)}`);
      const mq = await mapiqToken(sb);
      await get(`${sb.endpoints.mapiq.apiBaseUrl}/v2/users`);

      const entries = sb.log.entries();
      expect(entries.map((e) => [e.method, e.route, e.status])).toEqual([
        ["GET", "/mapillary/connect", 302],
        ["POST", "/mapillary/graph/token", 200],
        ["GET", "/mapillary/graph/me", 200],
        ["POST", "/mapiq/account/api/public/oauth2/token", 200],
        ["GET", "/mapiq/api/v2/users", 401],
      ]);
      expect(entries[2]).toMatchObject({
        api: "mapillary",
        path: "/mapillary/graph/me",
        credential: "user-token",
        credentialLocation: "url",
        credentialFingerprint: fingerprint(access_token),
      });
      expect(entries[1]).toMatchObject({ grantType: "authorization_code", credential: "client-secret", clientId: sb.credentials.mapillary.clientId });
      expect(entries[4]).toMatchObject({ credential: "none", credentialLocation: null });
      expect(entries.every((e, i) => e.seq === i + 1 && typeof e.time === "number")).toBe(true);
      expect(sb.log.count({ api: "mapiq" })).toBe(2);
      expect(sb.log.count((e) => e.status >= 400)).toBe(1);

      const secrets = [code, access_token, mq, sb.credentials.mapillary.clientSecret, sb.credentials.mapiq.clientSecret];
      const dump = JSON.stringify(entries) + lines.join("\n");
      for (const s of secrets) expect(dump).not.toContain(s);
      expect(lines).toHaveLength(5);
      expect(lines[2]).toMatch(/^GET \/mapillary\/graph\/me 200 user-token\(url\) \d+ms$/);

      sb.log.clear();
      expect(sb.log.count()).toBe(0);
    } finally {
      await sb.close();
    }
  });
});
