// Item 2 of issue 11: rate limiting is on by default, and a rate-limit wait is never cut short by
// the network timeout.
import { mapiqProfile, type ProviderProfile, RateLimitedError, TransportError } from "@mly/auth-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetSandbox, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";

const WINDOW_MS = 2_000;
let world: TestWorld;
/** Mapiq's documented policy (20 per window per operation), its window scaled from 1 min to 2 s like the sandbox's, so the test is short. */
let mapiq: ProviderProfile;
beforeAll(async () => {
  world = await startWorld({ settings: { mapiqRateLimit: { limit: 20, windowMs: WINDOW_MS } } });
  const profile = mapiqProfile(world.sandbox.endpoints.mapiq);
  mapiq = { ...profile, rateLimits: profile.rateLimits.map((policy) => ({ ...policy, windowMs: WINDOW_MS })) };
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  world.sandbox.settings.mapiqRateLimit.windowMs = WINDOW_MS;
  resetSandbox(world);
});

const buildings = (status: number): number => world.sandbox.log.count((e) => e.route === "/mapiq/api/v2/buildings" && e.status === status);

describe("the fetch README's 'Mapiq, client credentials, rate-limited' example", () => {
  it("makes 60 concurrent calls with 0 × 429: the profile's policies are the default limiter", { timeout: 120_000 }, async () => {
    const client = { clientId: world.mapiqClient.clientId, clientSecret: world.mapiqClient.clientSecret!.reveal() };
    // As written in the README, with the sandbox's Mapiq profile.
    const api = createApiClient({
      profile: mapiq,
      client,
      retryOnRateLimit: { maxWaitMs: 60_000 }, // wait out a 429 instead of throwing
    });
    const results = await Promise.all(Array.from({ length: 60 }, () => api.ky.get("v2/buildings").json<{ items: unknown[] }>()));
    expect(results.every((result) => result.items.length > 0)).toBe(true);
    expect(buildings(200)).toBe(60);
    expect(buildings(429)).toBe(0);
  });

  it("limiter: false opts out (and then the same calls earn 429s)", { timeout: 120_000 }, async () => {
    // A one-hour window at the sandbox, so the count does not depend on how fast this machine is.
    world.sandbox.settings.mapiqRateLimit.windowMs = 3_600_000;
    const api = createApiClient({ profile: mapiq, client: world.mapiqClient, limiter: false });
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => api.ky.get("v2/buildings").json()));
    expect(buildings(429)).toBe(10);
    expect(outcomes.filter((outcome) => outcome.status === "rejected" && outcome.reason instanceof RateLimitedError)).toHaveLength(10);
  });
});

describe("retryOnRateLimit: the network timeout covers each attempt on the wire, never the wait", () => {
  const throttleOnce = (retryAfterSeconds: number): void => {
    world.sandbox.faults.inject({ route: "/mapiq/api/v2/buildings", fault: { kind: "status", status: 429, headers: { "retry-after": String(retryAfterSeconds) } } });
  };

  it("a 429 whose wait is longer than the timeout is waited out, and the call succeeds", async () => {
    throttleOnce(1);
    const api = createApiClient({ profile: mapiq, client: world.mapiqClient, timeoutMs: 300, retryOnRateLimit: { maxWaitMs: 60_000 } });
    const body = await api.ky.get("v2/buildings").json<{ items: unknown[] }>();
    expect(body.items.length).toBeGreaterThan(0);
    expect(buildings(429)).toBe(1);
    expect(buildings(200)).toBe(1);
  });

  it("a wait beyond maxWaitMs throws RateLimitedError at once", async () => {
    throttleOnce(45);
    const api = createApiClient({ profile: mapiq, client: world.mapiqClient, retryOnRateLimit: { maxWaitMs: 30_000 } });
    const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(45_000);
    expect(buildings(200)).toBe(0);
  });

  it("an attempt slower than the timeout on the wire is a TransportError", async () => {
    world.sandbox.faults.inject({ route: "/mapiq/api/v2/buildings", fault: { kind: "latency", ms: 3_000 } });
    const api = createApiClient({ profile: mapiq, client: world.mapiqClient, timeoutMs: 300 });
    const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/mapiq\/api\/v2\/buildings timed out after 300 ms/);
  });
});
