// The SDK's Mapillary v4 login → refresh → API flow in both refresh modes of the sandbox:
// the official API docs (the still-valid access token is the refresh token; the default) and
// seed 001 (a separate, single-use refresh token that a refresh requires).
import { LoginRequiredError, OAuthError } from "@mly/auth-core";
import { createManualClock } from "@mly/auth-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, loggedInStore, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";
import { refreshTokens } from "./login.ts";

const DAY = 86_400_000;
const MODES = [
  { mode: "official API docs (default): the access token is the refresh token", separateRefreshToken: false },
  { mode: "seed 001 (--refresh-tokens): a separate single-use refresh token", separateRefreshToken: true },
] as const;

describe.each(MODES)("v4 login → refresh → API, $mode", ({ separateRefreshToken }) => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld({ settings: { mapillaryRefreshTokens: separateRefreshToken } });
  });
  afterAll(async () => {
    await world.sandbox.close();
  });
  const context = (): Parameters<typeof refreshTokens>[0] => ({ profile: world.mapillary, client: world.mlyClient });

  it("logs in, refreshes with refreshTokens, and the new access token works on /me", async () => {
    const tokens = await logIn(world.mapillary, world.mlyClient, ["read"]);
    expect(tokens.refreshToken !== undefined).toBe(separateRefreshToken);
    const fresh = await refreshTokens(context(), tokens);
    expect(fresh.accessToken.equals(tokens.accessToken)).toBe(false);
    expect(fresh.refreshToken !== undefined).toBe(separateRefreshToken);
    if (separateRefreshToken) expect(fresh.refreshToken?.equals(tokens.refreshToken!)).toBe(false);
    expect(world.sandbox.log.last({ grantType: "refresh_token" })?.status).toBe(200);
    const me = await fetch(`${world.mapillary.apiBaseUrl}/me?fields=id,username`, { headers: { authorization: `OAuth ${fresh.accessToken.reveal()}` } });
    expect(await me.json()).toEqual({ id: "102030405060708", username: "sandbox-user" });
  });

  it("refreshing twice from the same tokens: Graph-like in the default mode, single-use refresh token in seed 001's", async () => {
    const tokens = await logIn(world.mapillary, world.mlyClient);
    await refreshTokens(context(), tokens);
    const again = refreshTokens(context(), tokens);
    if (separateRefreshToken) {
      const error = await again.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthError);
      expect((error as OAuthError).error).toBe("invalid_grant");
    } else {
      // The old access token stays valid until it expires, so it still refreshes.
      await expect(again).resolves.toMatchObject({ kind: "user" });
    }
  });

  it("the API client refreshes once ahead of expiry and keeps calling the API", async () => {
    const clock = createManualClock(Date.now());
    const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, clock });
    await api.ky.get("me").json();
    clock.advance(59 * DAY); // inside the refresh margin of the 60-day token
    world.sandbox.log.clear();
    const results = await Promise.all(Array.from({ length: 20 }, () => api.ky.get("me").json<{ id: string }>()));
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 20 }, () => "102030405060708"));
    expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
    expect(world.sandbox.log.count({ grantType: "refresh_token", status: 200 })).toBe(1);
    const stored = (await store.get(api.tokenKey))?.tokens;
    expect(stored?.accessToken.equals(tokens.accessToken)).toBe(false);
    expect(stored?.refreshToken !== undefined).toBe(separateRefreshToken);
  });

  it("once the access token expired: login required in the default mode, a refresh in seed 001's", async () => {
    const clock = createManualClock(Date.now());
    const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, clock });
    clock.advance(61 * DAY);
    world.sandbox.expireToken(tokens.accessToken.reveal());
    world.sandbox.log.clear();
    const result = api.ky.get("me").json<{ id: string }>();
    if (separateRefreshToken) {
      await expect(result).resolves.toEqual({ id: "102030405060708" });
      expect(world.sandbox.log.count({ grantType: "refresh_token", status: 200 })).toBe(1);
    } else {
      await expect(result).rejects.toBeInstanceOf(LoginRequiredError);
      expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(0);
      expect(world.sandbox.log.count({ route: "/mapillary/graph/me" })).toBe(0);
    }
  });
});
