// Issue 15 §5: the default limiter of an API client knows per-route limits (from the profile) and
// learns a route's real limit from its 429s, so a deviating endpoint does not earn 429s for ever.
import { mapiqProfile, type ProviderProfile } from "@mly/auth-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";

/** The sandbox's and the profile's window, scaled from 1 min to 2 s so the test is short. */
const WINDOW_MS = 2_000;
const REPORT = "v2/reports/8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001";
let world: TestWorld;
let mapiq: ProviderProfile;
beforeAll(async () => {
  // The sandbox's GET /v2/reports/{id} really allows 5 per window; the documented limit is 20.
  world = await startWorld({ settings: { mapiqRateLimit: { limit: 20, windowMs: WINDOW_MS } } });
  const profile = mapiqProfile(world.sandbox.endpoints.mapiq);
  mapiq = { ...profile, rateLimits: profile.rateLimits.map((policy) => ({ ...policy, windowMs: WINDOW_MS })) };
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  world.sandbox.resetRateLimits();
  world.sandbox.log.clear();
});

const reports = (status: number): number => world.sandbox.log.count({ route: "/mapiq/api/v2/reports/{id}", status });

describe("the default limiter of createApiClient on a route that deviates from the documented limit", () => {
  it("learns the real limit from the first 429: the following calls earn 0 × 429", { timeout: 120_000 }, async () => {
    const api = createApiClient({ profile: mapiq, client: world.mapiqClient, retryOnRateLimit: { maxWaitMs: 30_000 } });
    // Sequential calls until the real limit answers (the 6th in a window): one 429, waited out and retried.
    for (let i = 0; i < 50 && reports(429) === 0; i++) await api.ky.get(REPORT).json();
    expect(reports(429)).toBe(1);
    world.sandbox.log.clear();
    const results = await Promise.all(Array.from({ length: 12 }, () => api.ky.get(REPORT).json<{ id: string }>()));
    expect(results.every((report) => report.id.length > 0)).toBe(true);
    expect(reports(200)).toBe(12);
    expect(reports(429)).toBe(0);
  });

  it("applies the profile's per-route limit from the first call: 0 × 429", { timeout: 120_000 }, async () => {
    const withRoute: ProviderProfile = { ...mapiq, rateLimits: mapiq.rateLimits.map((policy) => ({ ...policy, routes: { "GET /v2/reports/{id}": { limit: 5, windowMs: WINDOW_MS } } })) };
    const api = createApiClient({ profile: withRoute, client: world.mapiqClient });
    await Promise.all(Array.from({ length: 12 }, () => api.ky.get(REPORT).json()));
    expect(reports(200)).toBe(12);
    expect(reports(429)).toBe(0);
  });
});
