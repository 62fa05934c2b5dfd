// createApiClient without a stored token: a bare access token (one-off client) and app-level
// calls that send the client_id only (Mapillary v2), against the sandbox.
import { LoginRequiredError, Secret } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { HTTPError } from "ky";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInStore, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";

const USER = { id: "424242", username: "one-off-user" };
let world: TestWorld;
beforeAll(async () => {
  world = await startWorld({ user: USER });
});
afterAll(async () => {
  await world.sandbox.close();
});

const tokenEndpointCalls = (): number => world.sandbox.log.count((e) => e.grantType !== null);

describe("createApiClient({ accessToken }): a one-off client for a bare token", () => {
  it("sends the token as is (Mapillary v4: OAuth header), with no store, coordinator or token request", async () => {
    const { tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, accessToken: tokens.accessToken.reveal() });
    expect(api.coordinator).toBeUndefined();
    world.sandbox.log.clear();
    const me = await api.ky.get("me", { searchParams: { fields: "id,username" } }).json<{ id: string; username: string }>();
    expect(me).toEqual(USER);
    expect(world.sandbox.log.last()).toMatchObject({ route: "/mapillary/graph/me", credential: "user-token", credentialLocation: "header", status: 200 });
    expect(tokenEndpointCalls()).toBe(0);
  });

  it("a revoked token is a LoginRequiredError at once: no refresh is attempted, the token in no message", async () => {
    const { tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const value = tokens.accessToken.reveal();
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, accessToken: new Secret(value) });
    expect(world.sandbox.revokeToken(value)).toBe(true);
    world.sandbox.log.clear();
    const error = await api.ky.get("me").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect(error).toMatchObject({ code: "login_required", status: 401 });
    expect(world.sandbox.log.count({ route: "/mapillary/graph/me" })).toBe(1);
    expect(tokenEndpointCalls()).toBe(0);
    expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`).not.toContain(value);
  });

  it("an expired Mapillary v2 token (Bearer + client_id) is a LoginRequiredError too", async () => {
    const { tokens } = await loggedInStore(world.mapillaryV2, world.v2Client);
    const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, accessToken: tokens.accessToken });
    expect(await api.ky.get("v2/me").json()).toMatchObject({ username: USER.username });
    expect(world.sandbox.expireAllTokens()).toBeGreaterThan(0);
    await expect(api.ky.get("v2/me").json()).rejects.toBeInstanceOf(LoginRequiredError);
  });
});

describe("createApiClient({ appOnly: true }): no token, the app's client_id only", () => {
  it("Mapillary v2 GET /v2/status: client_id in the query, no Authorization, no token request", async () => {
    const api = createApiClient({ profile: world.mapillaryV2, client: { clientId: world.v2Client.clientId }, appOnly: true });
    expect(api.coordinator).toBeUndefined();
    world.sandbox.log.clear();
    const status = await api.ky.get("v2/status").json<{ status: string }>();
    expect(status.status).toBe("ok");
    expect(world.sandbox.log.entries()).toHaveLength(1);
    expect(world.sandbox.log.last()).toMatchObject({ route: "/mapillary-v2/v2/status", clientId: world.v2Client.clientId, credential: "none", credentialLocation: null, status: 200 });
  });

  it("without appOnly the same call first asks the store for a user token (LoginRequiredError with nothing stored)", async () => {
    const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, store: new MemoryTokenStore() });
    world.sandbox.log.clear();
    await expect(api.ky.get("v2/status").json()).rejects.toBeInstanceOf(LoginRequiredError);
    expect(world.sandbox.log.count()).toBe(0);
  });

  it("a client_id the API does not know: its 401 is returned as ky's HTTPError (no token to renew)", async () => {
    const api = createApiClient({ profile: world.mapillaryV2, client: { clientId: "not-an-app" }, appOnly: true });
    const error = await api.ky.get("v2/status").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(await (error as HTTPError).response.json()).toMatchObject({ code: "client_id_invalid" });
  });

  it("Mapillary v4 tiles need the client token: appOnly refuses them with a ConfigError before any request", async () => {
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, appOnly: true });
    world.sandbox.log.clear();
    await expect(api.ky.get(`${world.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/1/1/1`, { prefixUrl: "" }).arrayBuffer()).rejects.toMatchObject({ code: "invalid_config" });
    expect(world.sandbox.log.count()).toBe(0);
  });
});
