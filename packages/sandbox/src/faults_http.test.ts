import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, mapiqToken, v4Code, v4Token } from "./_test_helpers.ts";
import { startSandbox } from "./sandbox.ts";
import type { Sandbox } from "./sandbox.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(() => sb.close());

const images = (): string => `${sb.endpoints.mapillary.apiBaseUrl}/images?bbox=10,10,10.1,10.1`;
const client = (): Record<string, string> => ({ authorization: `OAuth ${sb.credentials.mapillary.clientToken}` });

describe("fault injection over HTTP", () => {
  it("adds latency, then handles normally", async () => {
    sb.faults.inject({ route: "/mapillary/graph/images", fault: { kind: "latency", ms: 150 } });
    const t0 = performance.now();
    expect((await get(images(), client())).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(sb.log.last()?.fault).toBe("latency");
  });

  it("answers an injected 5xx in the API's error shape, N times", async () => {
    const handle = sb.faults.inject({ route: "/mapillary/graph/images", fault: { kind: "status", status: 503 }, times: 2 });
    const first = await get(images(), client());
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ error: { code: 2, is_transient: true } });
    expect((await get(images(), client())).status).toBe(503);
    expect((await get(images(), client())).status).toBe(200);
    expect(handle.hits).toBe(2);
    expect(sb.faults.active()).toHaveLength(0);
    sb.faults.inject({ api: "mapiq", fault: { kind: "status", status: 502, body: "<html>Bad gateway</html>", headers: { "content-type": "text/html" } } });
    const html = await get(`${sb.endpoints.mapiq.apiBaseUrl}/v2/users`);
    expect(html.status).toBe(502);
    expect(await html.text()).toBe("<html>Bad gateway</html>");
  });

  it("sends malformed JSON with the real status", async () => {
    sb.faults.inject({ route: (t) => t.path.endsWith("/oauth2/token"), fault: { kind: "malformed-json" } });
    const res = await fetch(sb.endpoints.mapiq.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: sb.credentials.mapiq.clientId, client_secret: sb.credentials.mapiq.clientSecret }).toString(),
    });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it("resets the connection, before or after handling", async () => {
    sb.faults.inject({ route: "/mapillary/graph/images", fault: { kind: "reset" } });
    await expect(get(images(), client())).rejects.toThrow();
    expect(sb.log.last()).toMatchObject({ status: 0, fault: "reset", route: "/mapillary/graph/images" });
    expect(sb.log.count({ route: "/mapillary/graph/images", status: 200 })).toBe(0);
    // After handling: the refresh really happened server-side, but the response is lost.
    const { access_token } = await v4Token(sb, await v4Code(sb));
    sb.faults.inject({ route: "/mapillary/graph/token", fault: { kind: "reset", afterHandling: true } });
    await expect(
      fetch(sb.endpoints.mapillary.tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `OAuth ${sb.credentials.mapillary.clientSecret}` },
        body: JSON.stringify({ grant_type: "refresh_token", refresh_token: access_token, client_id: sb.credentials.mapillary.clientId }),
      }),
    ).rejects.toThrow();
    expect(sb.log.last()).toMatchObject({ status: 0, grantType: "refresh_token" });
  });

  it("revokes or expires the presented token on the next matching request", async () => {
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const me = (): Promise<Response> => get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${access_token}` });
    expect((await me()).status).toBe(200);
    sb.faults.inject({ route: "/mapillary/graph/me", fault: { kind: "revoke-token" } });
    const revoked = await me();
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 190, error_subcode: 460 } });
    expect(sb.log.last()?.fault).toBe("revoke-token");

    const token = await mapiqToken(sb);
    const users = (): Promise<Response> => get(`${sb.endpoints.mapiq.apiBaseUrl}/v2/users`, { authorization: `Bearer ${token}` });
    sb.faults.inject({ api: "mapiq", method: "GET", fault: { kind: "expire-token" } });
    expect((await users()).status).toBe(401);
    expect((await users()).status).toBe(401);
  });
});
