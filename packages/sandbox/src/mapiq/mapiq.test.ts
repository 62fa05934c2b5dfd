import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, mapiqToken, postForm, postJson, testClock } from "../_test_helpers.ts";
import type { TestClock } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";
import { MAPIQ_BUILDINGS } from "./data.ts";

let sb: Sandbox;
let clock: TestClock;
beforeEach(async () => {
  clock = testClock();
  sb = await startSandbox({ now: clock.now });
});
afterEach(() => sb.close());

const SCOPE = "https://api.mapiq.com/public/.default";
const grant = (over: Record<string, string> = {}): Record<string, string> => ({
  grant_type: "client_credentials",
  scope: SCOPE,
  client_id: sb.credentials.mapiq.clientId,
  client_secret: sb.credentials.mapiq.clientSecret,
  ...over,
});

describe("Mapiq token endpoint", () => {
  it("returns numeric fields as strings, like Azure AD v1", async () => {
    const res = await postForm(sb.endpoints.mapiq.tokenEndpoint, grant());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const nowS = Math.floor(clock.now() / 1000);
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: "3599",
      ext_expires_in: "3599",
      expires_on: String(nowS + 3599),
      not_before: String(nowS),
      resource: "https://api.mapiq.com",
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as unknown,
    });
    expect(sb.log.last()).toMatchObject({ credential: "client-secret", credentialLocation: "body", grantType: "client_credentials", api: "mapiq" });
    sb.settings.mapiqTokenLifetimeSeconds = 5;
    const short = (await (await postForm(sb.endpoints.mapiq.tokenEndpoint, grant())).json()) as { expires_in: string };
    expect(short.expires_in).toBe("5");
  });

  it("rejects a JSON body, wrong grant, wrong scope, unknown client and wrong secret, Azure-AD style", async () => {
    const json = await postJson(sb.endpoints.mapiq.tokenEndpoint, grant());
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    const cases: [Record<string, string>, number, string, string][] = [
      [{ grant_type: "authorization_code" }, 400, "unsupported_grant_type", "AADSTS70003"],
      [{ scope: "https://api.mapiq.com/.default" }, 400, "invalid_scope", "AADSTS"],
      [{ client_id: "11111111-0000-0000-0000-000000000000" }, 400, "unauthorized_client", "AADSTS700016"],
      [{ client_secret: "nope" }, 401, "invalid_client", "AADSTS7000215"],
    ];
    for (const [over, status, error, prefix] of cases) {
      const res = await postForm(sb.endpoints.mapiq.tokenEndpoint, grant(over));
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string; error_description: string; trace_id: string };
      expect(body.error).toBe(error);
      expect(body.error_description.startsWith(prefix)).toBe(true);
      expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("Mapiq API", () => {
  const api = (path: string): string => `${sb.endpoints.mapiq.apiBaseUrl}${path}`;

  it("requires a Bearer token and serves buildings and users", async () => {
    expect((await get(api("/v2/buildings"))).status).toBe(401);
    expect(await (await get(api("/v2/buildings"), { authorization: "Bearer nope" })).json()).toEqual({
      statusCode: 401,
      message: "Unauthorized. Access token is missing or invalid.",
    });
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    const list = (await (await get(api("/v2/buildings"), auth)).json()) as { items: { id: string }[] };
    expect(list.items).toHaveLength(MAPIQ_BUILDINGS.length);
    const one = await get(api(`/v2/buildings/${list.items[1]?.id ?? ""}`), auth);
    expect(await one.json()).toMatchObject({ id: list.items[1]?.id });
    expect((await get(api("/v2/buildings/unknown"), auth)).status).toBe(404);
    expect((await get(api("/v2/users"), auth)).status).toBe(200);
    expect(sb.log.last()).toMatchObject({ credential: "app-token", credentialLocation: "header", route: "/mapiq/api/v2/users" });
  });

  it("expired tokens get 401", async () => {
    sb.settings.mapiqTokenLifetimeSeconds = 60;
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    clock.advance(59_999);
    expect((await get(api("/v2/users"), auth)).status).toBe(200);
    clock.advance(1);
    expect((await get(api("/v2/users"), auth)).status).toBe(401);
  });
});

describe("Mapiq per-operation rate limit over HTTP", () => {
  const api = (path: string): string => `${sb.endpoints.mapiq.apiBaseUrl}${path}`;
  const b = (i: number): string => api(`/v2/buildings/${MAPIQ_BUILDINGS[i % 3]?.id ?? ""}`);

  async function burst(url: string, auth: Record<string, string>, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await get(url, auth)).status);
    return out;
  }

  it("sliding-log: N per window, N+1 rejected until the oldest leaves; keyed by route template", async () => {
    sb.settings.mapiqRateLimit = { limit: 20, windowMs: 2000, shape: "sliding-log" };
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    for (let i = 0; i < 20; i++) {
      expect((await get(b(i), auth)).status).toBe(200); // three different ids, one operation
      clock.advance(50); // requests at t0 … t0+950
    }
    const over = await get(b(0), auth); // at t0+1000
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("1"); // t0 leaves at t0+2000: 1000 ms
    expect(over.headers.get("access-control-expose-headers")).toBeNull();
    expect(await over.json()).toEqual({ statusCode: 429, message: "Rate limit is exceeded. Try again in 1 seconds." });
    expect((await get(api("/v2/buildings"), auth)).status).toBe(200); // another operation has its own budget
    clock.advance(999);
    expect((await get(b(0), auth)).status).toBe(429); // t0+1999: oldest still inside
    clock.advance(1);
    expect((await get(b(0), auth)).status).toBe(200); // t0+2000
    expect((await get(b(0), auth)).status).toBe(429); // t0+50 still inside
    expect(sb.log.count({ route: "/mapiq/api/v2/buildings/{id}", status: 429 })).toBe(3);
  });

  it("fixed-window: resets at the clock-aligned boundary", async () => {
    sb.settings.mapiqRateLimit = { limit: 20, windowMs: 2000, shape: "fixed-window" };
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    clock.advance(1500); // 500 ms before the aligned boundary
    expect(await burst(api("/v2/users"), auth, 21)).toEqual([...Array<number>(20).fill(200), 429]);
    clock.advance(400);
    const over = await get(api("/v2/users"), auth);
    expect(over.headers.get("retry-after")).toBe("1"); // 100 ms to the boundary, rounded up
    clock.advance(100);
    expect(await burst(api("/v2/users"), auth, 21)).toEqual([...Array<number>(20).fill(200), 429]);
    clock.advance(100);
    const full = await get(api("/v2/users"), auth);
    expect(full.headers.get("retry-after")).toBe("2"); // 1900 ms
    expect(await full.json()).toMatchObject({ message: "Rate limit is exceeded. Try again in 2 seconds." });
  });

  it("weighted: prev × (W − elapsed)/W + curr ≥ N rejects", async () => {
    sb.settings.mapiqRateLimit = { limit: 20, windowMs: 2000, shape: "weighted" };
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    expect(await burst(api("/v2/users"), auth, 20)).toEqual(Array<number>(20).fill(200)); // prev window: 20
    clock.advance(2000 + 500); // elapsed 500 of the next window: 20 × 0.75 = 15, room for 5
    expect(await burst(api("/v2/users"), auth, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    // 20 × (2000 − e)/2000 + 5 < 20 ⇔ e > 500: allowed 1 ms later
    const over = await get(api("/v2/users"), auth);
    expect(over.headers.get("retry-after")).toBe("1");
    clock.advance(100); // e = 600: 20 × 0.7 + 5 = 19 → one more
    expect(await burst(api("/v2/users"), auth, 2)).toEqual([200, 429]);
    clock.advance(1400); // next window: prev = 6, e = 0 → 6 → 14 more
    expect(await burst(api("/v2/users"), auth, 15)).toEqual([...Array<number>(14).fill(200), 429]);
  });

  it("a deviating operation (GET /v2/reports/{id}) has its own real limit: 5 where 20 are documented", async () => {
    sb.settings.mapiqRateLimit = { limit: 20, windowMs: 2000, shape: "sliding-log" };
    const auth = { authorization: `Bearer ${await mapiqToken(sb)}` };
    const report = (i: number): string => api(`/v2/reports/${MAPIQ_BUILDINGS[i % 3]?.id ?? ""}`);
    const first = await get(report(0), auth);
    expect(await first.json()).toMatchObject({ id: MAPIQ_BUILDINGS[0]?.id, period: "P7D" });
    clock.advance(100);
    const statuses = [first.status];
    for (let i = 1; i < 7; i++) {
      statuses.push((await get(report(i), auth)).status);
      clock.advance(100);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect((await get(api("/v2/reports/unknown"), auth)).status).toBe(429); // one operation, one budget
    expect(await burst(api("/v2/users"), auth, 6)).toEqual(Array<number>(6).fill(200)); // the others keep 20
    // The deviation is a setting: the window and shape come from mapiqRateLimit unless given.
    clock.advance(2000);
    sb.settings.mapiqRouteLimits["GET /v2/reports/{id}"] = { limit: 2 };
    expect(await burst(report(0), auth, 3)).toEqual([200, 200, 429]);
    sb.settings.mapiqRouteLimits = {};
    expect(await burst(report(0), auth, 3)).toEqual([200, 200, 200]);
    expect((await get(api("/v2/reports/unknown"), auth)).status).toBe(404);
  });

  it("counts per client: another token of the same client shares the budget", async () => {
    sb.settings.mapiqRateLimit = { limit: 2, windowMs: 60_000, shape: "sliding-log" };
    const a = { authorization: `Bearer ${await mapiqToken(sb)}` };
    const b2 = { authorization: `Bearer ${await mapiqToken(sb)}` };
    expect(await burst(api("/v2/users"), a, 1)).toEqual([200]);
    expect(await burst(api("/v2/users"), b2, 2)).toEqual([200, 429]);
    const over = await get(api("/v2/users"), a);
    expect(over.headers.get("retry-after")).toBe("60");
  });
});
