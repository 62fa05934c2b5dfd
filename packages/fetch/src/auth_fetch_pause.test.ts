// Issue 13 §2: a throttle's pause has one home, the limiter. authFetch hands the server's wait to
// the limiter with the permit's settle and keeps no pause of its own; with `limiter: false`
// nothing is paused between calls, and `retryOnRateLimit` still waits a throttle out per call.
import { AbortedError, mapiqProfile, RateLimitedError, type ProviderProfile } from "@mly/auth-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetSandbox, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createAuthFetch } from "./auth_fetch.ts";
import { createApiClient } from "./api_client.ts";
import { coordinatedTokens } from "./token_source.ts";

let world: TestWorld;
let mapiq: ProviderProfile;
beforeAll(async () => {
  world = await startWorld();
  mapiq = mapiqProfile(world.sandbox.endpoints.mapiq);
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  resetSandbox(world);
});

const ROUTE = "/mapiq/api/v2/buildings";
const statuses = (): number[] => world.sandbox.log.entries({ route: ROUTE }).map((entry) => entry.status);
const throttleNext = (retryAfterSeconds: number): void => {
  world.sandbox.faults.inject({ route: ROUTE, fault: { kind: "status", status: 429, headers: { "retry-after": String(retryAfterSeconds) } } });
};

/** A plain fetch of Mapiq's buildings through mly, with a client-credentials token from the sandbox. */
function buildingsFetch(options: { limiter?: false; retryOnRateLimit?: { maxWaitMs: number } } = {}): (signal?: AbortSignal) => Promise<Response> {
  // The coordinator of an API client (client credentials); its `ky` is not used.
  const { coordinator, tokenKey } = createApiClient({ profile: mapiq, client: world.mapiqClient });
  const authFetch = createAuthFetch({ profile: mapiq, tokens: coordinatedTokens(coordinator!, tokenKey), ...options });
  const url = `${mapiq.apiBaseUrl ?? ""}/v2/buildings`;
  return (signal) => authFetch(url, signal === undefined ? undefined : { signal });
}

describe("a throttle pauses the keys in the limiter, through the permit's settle", () => {
  it("after a 429 the next call waits in the default limiter without reaching the server, until its signal ends the wait", async () => {
    const buildings = buildingsFetch();
    throttleNext(60);
    const error = await buildings().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(60_000);
    await expect(buildings(AbortSignal.timeout(300))).rejects.toBeInstanceOf(AbortedError);
    expect(statuses()).toEqual([429]);
  });

  it("with retryOnRateLimit the throttled call retries once the limiter's pause is over", async () => {
    const buildings = buildingsFetch({ retryOnRateLimit: { maxWaitMs: 10_000 } });
    throttleNext(1);
    expect((await buildings()).status).toBe(200);
    expect(statuses()).toEqual([429, 200]);
  });
});

describe("limiter: false keeps no pause between calls", () => {
  it("a 429 throws RateLimitedError at once, and the next call goes straight to the server", async () => {
    const buildings = buildingsFetch({ limiter: false });
    throttleNext(60);
    const error = await buildings().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(60_000);
    expect((await buildings()).status).toBe(200);
    expect(statuses()).toEqual([429, 200]);
  });

  it("with retryOnRateLimit the throttled call waits the server's wait out by itself; a call made meanwhile is not held", async () => {
    const buildings = buildingsFetch({ limiter: false, retryOnRateLimit: { maxWaitMs: 10_000 } });
    throttleNext(3);
    const throttled = buildings();
    // Once the 429 has been answered, a second call goes out while the first one still waits.
    await expect.poll(() => statuses()).toEqual([429]);
    expect((await buildings()).status).toBe(200);
    expect(statuses()).toEqual([429, 200]);
    expect((await throttled).status).toBe(200);
    expect(statuses()).toEqual([429, 200, 200]);
  });

  it("a wait beyond maxWaitMs throws RateLimitedError without a retry", async () => {
    const buildings = buildingsFetch({ limiter: false, retryOnRateLimit: { maxWaitMs: 1_000 } });
    throttleNext(30);
    const error = await buildings().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(30_000);
    expect(statuses()).toEqual([429]);
  });
});
