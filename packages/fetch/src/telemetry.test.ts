// Issue 16 §5: the events of authFetch, its default limiter and its coordinator, against the
// sandbox (a real loopback server): right fields, right order, never a secret.
import { createClient, type MlyEvent } from "@mly/auth-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loggedInStore, recordingLimiter, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  world.sandbox.faults.clear();
  world.sandbox.log.clear();
});

const BUILDINGS = "mapiq:endpoint:GET /v2/buildings";

/** Every form a value may take when printed or echoed: raw, percent-encoded (once, twice), base64, base64url. */
function forms(value: string): string[] {
  const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(value)));
  const once = [value, encodeURIComponent(value), base64, base64.replace(/=+$/, ""), base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")];
  return [...new Set(once.flatMap((form) => [form, encodeURIComponent(form), encodeURIComponent(encodeURIComponent(form))]))];
}

function expectNoSecret(events: readonly MlyEvent[], secrets: readonly string[]): void {
  const text = JSON.stringify(events);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    for (const form of forms(secret)) expect(text).not.toContain(form);
  }
}

describe("telemetry of createApiClient (Mapiq, client credentials)", () => {
  it("a first call: refresh.start → refresh.success → request, with keys and durations, and no secret", async () => {
    const events: MlyEvent[] = [];
    const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, onEvent: (event) => events.push(event) });
    await api.ky.get("v2/buildings").json();
    expect(events.map((event) => event.type)).toEqual(["refresh.start", "refresh.success", "request"]);
    expect(events[0]).toEqual({ type: "refresh.start", key: api.tokenKey });
    expect(events[1]).toMatchObject({ type: "refresh.success", key: api.tokenKey });
    expect(events[2]).toMatchObject({ type: "request", keys: [BUILDINGS], method: "GET", status: 200 });
    for (const event of events.slice(1)) expect((event as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
    const token = (await api.coordinator!.getToken(api.tokenKey)).accessToken.reveal();
    expectNoSecret(events, [token, world.sandbox.credentials.mapiq.clientSecret]);
  });

  it("a sandbox 429: request 429 → throttle.seen (status, wait, reason) → the retry waits for the pause in the limiter (limiter.wait on the route key) → the retry's request 200", { timeout: 60_000 }, async () => {
    world.sandbox.faults.inject({ route: "/mapiq/api/v2/buildings", fault: { kind: "status", status: 429, headers: { "retry-after": "1" } } });
    const events: MlyEvent[] = [];
    const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, retryOnRateLimit: { maxWaitMs: 10_000 }, onEvent: (event) => events.push(event) });
    await api.ky.get("v2/buildings").json();
    const traffic = events.filter((event) => event.type !== "refresh.start" && event.type !== "refresh.success");
    expect(traffic).toEqual([
      expect.objectContaining({ type: "request", keys: [BUILDINGS], status: 429 }),
      { type: "throttle.seen", keys: [BUILDINGS], status: 429, retryAfterMs: 1000, reason: "retry-after" },
      { type: "limiter.wait", key: BUILDINGS, durationMs: expect.any(Number) as number },
      expect.objectContaining({ type: "request", keys: [BUILDINGS], status: 200 }),
    ]);
    expect(world.sandbox.log.count((entry) => entry.route === "/mapiq/api/v2/buildings" && entry.status === 429)).toBe(1);
  });

  it("the default limiter reports waits: 5 concurrent calls on an evenly spaced operation → limiter.wait events on the route key", { timeout: 120_000 }, async () => {
    const events: MlyEvent[] = [];
    const profile = { ...world.mapiq, rateLimits: world.mapiq.rateLimits.map((policy) => ({ ...policy, windowMs: 2_000 })) };
    const api = createApiClient({ profile, client: world.mapiqClient, onEvent: (event) => events.push(event) });
    await Promise.all(Array.from({ length: 5 }, () => api.ky.get("v2/buildings").json()));
    const waits = events.filter((event) => event.type === "limiter.wait");
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) {
      expect(wait).toMatchObject({ key: BUILDINGS });
      expect(wait.durationMs).toBeGreaterThan(0);
    }
    expect(events.filter((event) => event.type === "request")).toHaveLength(5);
  });

  it("a refused client: refresh.failure with the code, the OAuth error and the status; never the secret", async () => {
    const events: MlyEvent[] = [];
    const secret = "wrong-secret-5f4e3d2c1b0a";
    const api = createApiClient({ profile: world.mapiq, client: createClient({ clientId: world.mapiqClient.clientId, clientSecret: secret }), onEvent: (event) => events.push(event) });
    await expect(api.ky.get("v2/buildings").json()).rejects.toThrow();
    expect(events.map((event) => event.type)).toEqual(["refresh.start", "refresh.failure"]);
    expect(events[1]).toMatchObject({ type: "refresh.failure", key: api.tokenKey, code: "oauth_error", error: "invalid_client" });
    expect((events[1] as { status?: number }).status).toBeGreaterThanOrEqual(400);
    expectNoSecret(events, [secret]);
  });

  it("a throwing listener breaks no call", async () => {
    let calls = 0;
    const api = createApiClient({
      profile: world.mapiq,
      client: world.mapiqClient,
      onEvent: () => {
        calls++;
        throw new Error("listener bug");
      },
    });
    const body = await api.ky.get("v2/buildings").json<{ items: unknown[] }>();
    expect(body.items.length).toBeGreaterThan(0);
    expect(calls).toBe(3);
  });
});

describe("telemetry of a Mapillary v4 user token (code flow, rotating refresh tokens)", () => {
  it("a 401 on an expired token: request 401 → refresh.start → refresh.success → request 200; no token, refresh token or secret in any event", async () => {
    world.sandbox.settings.mapillaryRefreshTokens = true;
    try {
      const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
      const events: MlyEvent[] = [];
      const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, onEvent: (event) => events.push(event) });
      world.sandbox.faults.inject({ route: "/mapillary/graph/me", fault: { kind: "expire-token" } });
      await api.ky.get("me").json();
      expect(events.map((event) => (event.type === "request" ? `request ${event.status}` : event.type))).toEqual(["request 401", "refresh.start", "refresh.success", "request 200"]);
      expect(events[1]).toEqual({ type: "refresh.start", key: api.tokenKey });
      expect(events[0]).toMatchObject({ keys: ["mapillary:graph"], method: "GET" });
      const renewed = (await store.get(api.tokenKey))!.tokens;
      const secrets = [tokens.accessToken, tokens.refreshToken, renewed.accessToken, renewed.refreshToken].map((secret) => secret!.reveal());
      expectNoSecret(events, [...secrets, world.sandbox.credentials.mapillary.clientSecret, world.sandbox.credentials.mapillary.clientToken]);
    } finally {
      world.sandbox.settings.mapillaryRefreshTokens = false;
    }
  });

  it("the app budget: x-app-usage at 100 % is throttle.seen (app-usage, on a 200); past it, 403 code 4 is throttle.seen (graph-code); each hands its wait to the limiter on mapillary:graph", async () => {
    world.sandbox.settings.mapillaryAppBudget = { limit: 1, windowMs: 60_000 };
    world.sandbox.resetRateLimits();
    try {
      const images = (api: ReturnType<typeof createApiClient>): Promise<unknown> => api.ky.get("images", { searchParams: { bbox: "-180,-90,180,90", limit: "1" } }).json();
      const usage: MlyEvent[] = [];
      const usageLimiter = recordingLimiter();
      await images(createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true, limiter: usageLimiter.limiter, onEvent: (event) => usage.push(event) }));
      const seen = usage.filter((event) => event.type === "throttle.seen");
      expect(seen).toEqual([{ type: "throttle.seen", keys: ["mapillary:graph"], status: 200, retryAfterMs: expect.any(Number) as number, reason: "app-usage" }]);
      expect(usageLimiter.settled).toEqual([["mapillary:graph", { status: 200, retryAfterMs: (seen[0] as { retryAfterMs: number }).retryAfterMs }]]);
      // The next client ignores x-app-usage: the server's 403 code 4 is what it sees.
      const refused: MlyEvent[] = [];
      const refusedLimiter = recordingLimiter();
      await images(createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true, appUsageThreshold: 1000, limiter: refusedLimiter.limiter, onEvent: (event) => refused.push(event) })).catch(() => undefined);
      const throttle = refused.find((event) => event.type === "throttle.seen");
      expect(throttle).toMatchObject({ keys: ["mapillary:graph"], status: 403, reason: "graph-code" });
      const waitMs = (throttle as { retryAfterMs: number }).retryAfterMs;
      expect(waitMs).toBeGreaterThan(0);
      expect(refusedLimiter.settled).toEqual([["mapillary:graph", { status: 403, retryAfterMs: waitMs }]]);
      expectNoSecret([...usage, ...refused], [world.sandbox.credentials.mapillary.clientToken, world.sandbox.credentials.mapillary.clientSecret]);
    } finally {
      world.sandbox.settings.mapillaryAppBudget = { limit: 50_000, windowMs: 60_000 };
      world.sandbox.resetRateLimits();
    }
  });
});
