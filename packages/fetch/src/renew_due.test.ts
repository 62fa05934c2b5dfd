// renewDue (@mly/auth-core) through the ky transport against the sandbox, whose clock is the
// test's manual clock: Mapillary v4 tokens that would die idle are renewed in time.
import { formatTokenKey, LoginRequiredError } from "@mly/auth-core";
import { MemoryTokenStore, RefreshCoordinator, createTokenRenewer, renewDue } from "@mly/auth-core/orchestration";
import { createManualClock } from "@mly/auth-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKyTransport } from "./ky_transport.ts";
import { logIn, startWorld, type TestWorld } from "./_test_helpers.ts";

const DAY = 86_400_000;
const clock = createManualClock(Date.now());
let world: TestWorld;
beforeAll(async () => {
  world = await startWorld({ now: () => clock.now() });
});
afterAll(async () => {
  await world.sandbox.close();
});

describe("renewDue against the sandbox (Mapillary v4, 60-day tokens)", () => {
  it("55 days later: the 55-day-old token is renewed at the server, the fresh one untouched, the expired one login_required", async () => {
    const key = (profile: string): string => formatTokenKey({ provider: "mapillary", clientId: world.mlyClient.clientId, profile });
    const store = new MemoryTokenStore({ clock });
    const old = await logIn(world.mapillary, world.mlyClient);
    await store.set(key("old"), old);
    world.sandbox.settings.mapillaryTokenLifetimeSeconds = 50 * 86_400;
    await store.set(key("expired"), await logIn(world.mapillary, world.mlyClient));
    world.sandbox.settings.mapillaryTokenLifetimeSeconds = 60 * 86_400;

    clock.advance(55 * DAY);
    // A login today (login helpers stamp tokens with the system time: restamp with the test's clock).
    const fresh = await logIn(world.mapillary, world.mlyClient);
    await store.set(key("fresh"), { ...fresh, issuedAt: clock.now(), expiresAt: clock.now() + 60 * DAY });
    world.sandbox.log.clear();

    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: world.mapillary, client: world.mlyClient, transport: createKyTransport(), clock }) });
    const report = await renewDue(store, coordinator, { prefix: `mapillary:${world.mlyClient.clientId}:`, clock });
    expect(report.map(({ key: k, outcome }) => [k.split(":")[2], outcome])).toEqual([
      ["expired", "login_required"],
      ["fresh", "fresh"],
      ["old", "renewed"],
    ]);
    expect(report[0]!.error).toBeInstanceOf(LoginRequiredError);
    // Exactly one token call, a refresh grant.
    expect(world.sandbox.log.entries().map((e) => `${e.method} ${e.path} ${e.grantType} ${e.status}`)).toEqual(["POST /mapillary/graph/token refresh_token 200"]);
    const renewed = (await store.get(key("old")))!.tokens;
    expect(renewed.accessToken.equals(old.accessToken)).toBe(false);
    expect(renewed.expiresAt).toBe(clock.now() + 60 * DAY);
    expect((await store.get(key("fresh")))!.tokens.accessToken.equals(fresh.accessToken)).toBe(true);

    // Another 55 days on, unused all along: renewed again, never dead.
    clock.advance(55 * DAY);
    const later = await renewDue(store, coordinator, { prefix: `mapillary:${world.mlyClient.clientId}:old`, clock });
    expect(later.map((line) => line.outcome)).toEqual(["renewed"]);
    const me = await fetch(`${world.mapillary.apiBaseUrl}/me?fields=id`, { headers: { authorization: `OAuth ${(await store.get(key("old")))!.tokens.accessToken.reveal()}` } });
    expect(me.status).toBe(200);
  });
});
