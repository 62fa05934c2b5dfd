// Issue 15 §7: ky retries a 5xx on idempotent API calls (GET), never a 4xx, never a POST, and a
// token request is never retried (a token POST is not idempotent: a code is single-use, a
// refresh token may rotate). Driven by the sandbox's fault injection.
import { HttpError, isMlyError } from "@mly/auth-core";
import { HTTPError } from "ky";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetSandbox, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient, type ApiClient } from "./api_client.ts";

const BUILDINGS = "/mapiq/api/v2/buildings";
const TOKEN = "/mapiq/account/api/public/oauth2/token";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld({ settings: { mapiqRateLimit: { limit: 1000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  resetSandbox(world);
});

function mapiqClient(): ApiClient {
  return createApiClient({ profile: world.mapiq, client: world.mapiqClient });
}

/** The statuses the sandbox answered on `route` (method `method`), in order. */
function statuses(route: string, method = "GET"): number[] {
  return world.sandbox.log.entries({ route, method }).map((entry) => entry.status);
}

describe("ky's retry of API calls", () => {
  it("a GET that meets a 500 then a 503 is retried and succeeds", { timeout: 60_000 }, async () => {
    const api = mapiqClient();
    await api.ky.get("v2/users").json(); // the token is fetched before the faults
    world.sandbox.log.clear();
    world.sandbox.faults.inject({ route: BUILDINGS, method: "GET", fault: { kind: "status", status: 500 } });
    world.sandbox.faults.inject({ route: BUILDINGS, method: "GET", fault: { kind: "status", status: 503 } });
    const body = await api.ky.get("v2/buildings").json<{ items: unknown[] }>();
    expect(body.items.length).toBeGreaterThan(0);
    // Two faults could match the first request; the registry applies both to it and the terminal
    // one wins, so count what the server answered rather than assume.
    const seen = statuses(BUILDINGS);
    expect(seen.at(-1)).toBe(200);
    expect(seen.slice(0, -1).every((status) => status >= 500)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
  });

  it("a GET that keeps failing with 503 is tried 3 times (limit 2), then ky's HTTPError 503", { timeout: 60_000 }, async () => {
    const api = mapiqClient();
    world.sandbox.faults.inject({ route: BUILDINGS, method: "GET", fault: { kind: "status", status: 503 }, times: Infinity });
    const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(503);
    expect(statuses(BUILDINGS)).toEqual([503, 503, 503]);
  });

  it("a 4xx is never retried (400, 404)", { timeout: 60_000 }, async () => {
    const api = mapiqClient();
    for (const status of [400, 404]) {
      world.sandbox.log.clear();
      world.sandbox.faults.inject({ route: BUILDINGS, method: "GET", fault: { kind: "status", status }, times: Infinity });
      const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
      expect((error as HTTPError).response.status).toBe(status);
      expect(statuses(BUILDINGS)).toEqual([status]);
      world.sandbox.faults.clear();
    }
  });

  it("a POST is never retried, even on a 503", { timeout: 60_000 }, async () => {
    const api = mapiqClient();
    world.sandbox.faults.inject({ route: BUILDINGS, method: "POST", fault: { kind: "status", status: 503 }, times: Infinity });
    const error = await api.ky.post("v2/buildings", { json: { name: "x" } }).catch((e: unknown) => e);
    expect((error as HTTPError).response.status).toBe(503);
    expect(statuses(BUILDINGS, "POST")).toEqual([503]);
  });

  it("a token request is never retried: a 503 at the token endpoint is one POST and a typed error", { timeout: 60_000 }, async () => {
    const api = mapiqClient();
    world.sandbox.faults.inject({ route: TOKEN, fault: { kind: "status", status: 503 }, times: Infinity });
    const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
    expect(isMlyError(error)).toBe(true);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect(statuses(TOKEN, "POST")).toEqual([503]);
    // The GET never left: no token, no call.
    expect(statuses(BUILDINGS)).toEqual([]);
  });
});
