// Issue 15 §7 (seed 004): Mapillary v2 tokens never expire, and "the user can at any time revoke
// the token directly from the settings page". A revoked v2 token is a typed LoginRequiredError,
// never a bare HTTP error, and never a retry loop: v2 has no refresh grant to try.
import { inspect } from "node:util";
import { LoginRequiredError } from "@mly/auth-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loggedInStore, startWorld, type TestWorld } from "./_test_helpers.ts";
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

const meCalls = (status: number): number => world.sandbox.log.count({ route: "/mapillary-v2/v2/me", status });
const tokenCalls = (): number => world.sandbox.log.count({ route: "/mapillary-v2/v2/oauth/token" });

describe("a revoked Mapillary v2 token", () => {
  it("revoked on the settings page between two calls: LoginRequiredError, one 401, no token request", async () => {
    const { store, tokens } = await loggedInStore(world.mapillaryV2, world.v2Client);
    expect(tokens.expiresAt).toBeNull();
    const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, store });
    await api.ky.get("v2/me").json();
    world.sandbox.log.clear();
    expect(world.sandbox.revokeToken(tokens.accessToken.reveal())).toBe(true);

    const error = await api.ky.get("v2/me").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as LoginRequiredError).code).toBe("login_required");
    expect((error as LoginRequiredError).message).toMatch(/log in again/i);
    expect(meCalls(401)).toBe(1);
    expect(tokenCalls()).toBe(0);
    const printed = inspect(error, { depth: Infinity, showHidden: true }) + JSON.stringify(error) + String(error);
    expect(printed).not.toContain(tokens.accessToken.reveal());
  });

  it("revoked while a request is on its way (the sandbox's revoke-token fault): the same typed error", async () => {
    const { store } = await loggedInStore(world.mapillaryV2, world.v2Client);
    const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, store });
    world.sandbox.log.clear();
    world.sandbox.faults.inject({ route: "/mapillary-v2/v2/me", fault: { kind: "revoke-token" } });
    await expect(api.ky.get("v2/me").json()).rejects.toBeInstanceOf(LoginRequiredError);
    // Every later call keeps failing the same way: the token stays revoked until a new login.
    await expect(api.ky.get("v2/me").json()).rejects.toBeInstanceOf(LoginRequiredError);
    expect(meCalls(401)).toBe(2);
    expect(meCalls(200)).toBe(0);
    expect(tokenCalls()).toBe(0);
  });
});
