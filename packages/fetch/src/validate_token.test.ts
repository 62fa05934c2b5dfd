// validateToken and importToken against the @mly/sandbox (Mapillary v4, v2, Mapiq).
import { ConfigError, formatTokenKey, InvalidTokenError, oauth2Profile, Secret } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { createManualClock } from "@mly/auth-core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "./api_client.ts";
import { importToken } from "./import_token.ts";
import { clientCredentialsToken } from "./login.ts";
import { logIn, startWorld, type TestWorld } from "./_test_helpers.ts";
import { validateToken } from "./validate_token.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.sandbox.close();
});
beforeEach(() => {
  world.sandbox.log.clear();
});

const DAY = 86_400_000;

/** What `validateToken` rejects with, checked to be an InvalidTokenError whose printed forms hold no token. */
async function refusal(promise: Promise<unknown>, token: string): Promise<InvalidTokenError> {
  const error = await promise.then(
    () => expect.fail("expected a refusal"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  const printed = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)} ${JSON.stringify((error as Error).cause)}`;
  expect(printed).not.toContain(token);
  return error as InvalidTokenError;
}

describe("validateToken: Mapillary v4", () => {
  it("a user token → one GET /me?fields=id,username, kind user, the user's id and name", async () => {
    const tokens = await logIn(world.mapillary, world.mlyClient);
    world.sandbox.log.clear();
    const info = await validateToken(world.mapillary, tokens.accessToken);
    expect(info).toEqual({ kind: "user", user: { id: "102030405060708", username: "sandbox-user" } });
    expect(world.sandbox.log.entries().map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(["GET /mapillary/graph/me 200"]);
  });

  it("revoked, expired and unknown user tokens → InvalidTokenError with that reason, never the token", async () => {
    const revoked = await logIn(world.mapillary, world.mlyClient);
    world.sandbox.revokeToken(revoked.accessToken.reveal());
    expect((await refusal(validateToken(world.mapillary, revoked.accessToken), revoked.accessToken.reveal())).reason).toBe("revoked");
    const expired = await logIn(world.mapillary, world.mlyClient);
    world.sandbox.expireToken(expired.accessToken.reveal());
    expect((await refusal(validateToken(world.mapillary, expired.accessToken), expired.accessToken.reveal())).reason).toBe("expired");
    const unknown = "MLYARnot-a-token-anyone-issued-0123456789";
    const error = await refusal(validateToken(world.mapillary, unknown), unknown);
    expect(error.reason).toBe("invalid");
    expect(error.code).toBe("invalid_token");
  });

  it("the app's client token → kind client_token after one cheap call", async () => {
    const info = await validateToken(world.mapillary, world.sandbox.credentials.mapillary.clientToken, { client: world.mlyClient });
    expect(info).toEqual({ kind: "client_token" });
    expect(world.sandbox.log.count()).toBe(1);
    expect(world.sandbox.log.last()?.credential).toBe("client-token");
  });

  it("a client token of the wrong shape or of another app → refused before any request, the expected shape in the message", async () => {
    for (const bad of ["MLY|1234|abc", "MLY|x|0123456789abcdef0123456789abcdef", "MLY|1234|0123456789abcdef0123456789abcdeg"]) {
      const error = await refusal(validateToken(world.mapillary, bad), bad);
      expect(error.reason).toBe("malformed");
      expect(error.message).toContain("MLY|<app id>|<32 hex digits>");
    }
    const clientToken = world.sandbox.credentials.mapillary.clientToken;
    const explicit = await refusal(validateToken(world.mapillary, "abc", { kind: "client_token" }), "abc");
    expect(explicit.reason).toBe("malformed");
    const other = clientToken.replace(/^MLY\|\d+\|/, "MLY|99999|");
    const wrongApp = await refusal(validateToken(world.mapillary, other, { client: world.mlyClient }), other);
    expect(wrongApp.reason).toBe("wrong_app");
    const spaced = ` ${clientToken}\n`;
    expect((await refusal(validateToken(world.mapillary, spaced), clientToken)).reason).toBe("malformed");
    expect(world.sandbox.log.count()).toBe(0);
  });
});

describe("validateToken: Mapillary v2 and Mapiq", () => {
  it("v2: GET /v2/me with client_id → the user; a revoked token → revoked; no client → ConfigError before any request", async () => {
    const tokens = await logIn(world.mapillaryV2, world.v2Client);
    world.sandbox.log.clear();
    const info = await validateToken(world.mapillaryV2, tokens.accessToken, { client: world.v2Client });
    expect(info).toEqual({ kind: "user", user: { id: "102030405060708", username: "sandbox-user" } });
    expect(world.sandbox.log.entries().map((e) => `${e.path} ${e.clientId}`)).toEqual([`/mapillary-v2/v2/me ${world.v2Client.clientId}`]);
    world.sandbox.revokeToken(tokens.accessToken.reveal());
    expect((await refusal(validateToken(world.mapillaryV2, tokens.accessToken, { client: world.v2Client }), tokens.accessToken.reveal())).reason).toBe("revoked");
    world.sandbox.log.clear();
    expect(await validateToken(world.mapillaryV2, tokens.accessToken).catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
    expect(world.sandbox.log.count()).toBe(0);
  });

  it("Mapiq: an app token → kind client_app with the JWT's expiry; an expired one → invalid", async () => {
    const tokens = await clientCredentialsToken({ profile: world.mapiq, client: world.mapiqClient });
    const info = await validateToken(world.mapiq, tokens.accessToken);
    expect(info.kind).toBe("client_app");
    expect(info.expiresAt).toBe(tokens.expiresAt);
    world.sandbox.expireToken(tokens.accessToken.reveal());
    expect((await refusal(validateToken(world.mapiq, tokens.accessToken), tokens.accessToken.reveal())).reason).toBe("invalid");
  });

  it("a generic OAuth 2.0 profile has no standard check → ConfigError", async () => {
    const profile = oauth2Profile({ tokenEndpoint: "https://a.example/token", apiBaseUrl: "https://a.example/api" });
    expect(await validateToken(profile, "token-1").catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
  });
});

describe("importToken", () => {
  it("validates a Mapillary v4 user token, stores it as a TokenSet, and an API client then uses it", async () => {
    const external = await logIn(world.mapillary, world.mlyClient);
    const store = new MemoryTokenStore();
    const key = formatTokenKey({ provider: "mapillary", clientId: world.mlyClient.clientId });
    const clock = createManualClock(Date.now());
    const { tokens, info, version } = await importToken(store, key, external.accessToken.reveal(), { profile: world.mapillary, clock });
    expect(info?.user?.username).toBe("sandbox-user");
    expect(tokens).toMatchObject({ kind: "user", provider: "mapillary", subject: "102030405060708", issuedAt: clock.now(), expiresAt: clock.now() + 60 * DAY });
    expect((await store.get(key))?.version).toBe(version);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, tokenKey: key });
    expect(await api.ky.get("me", { searchParams: { fields: "id" } }).json()).toEqual({ id: "102030405060708" });
    expect(api.coordinator?.refreshCount).toBe(0);
  });

  it("a refused token is not stored; validate: false stores without a request, with the expiry given", async () => {
    const store = new MemoryTokenStore();
    const error = await importToken(store, "k", "MLYARunknown-token-value-123456", { profile: world.mapillary }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(await store.list()).toEqual([]);
    world.sandbox.log.clear();
    const { tokens, info } = await importToken(store, "k", new Secret("MLYARunchecked-token-123456"), { profile: world.mapillary, validate: false, expiresAt: 123_456 });
    expect(info).toBeUndefined();
    expect(tokens.expiresAt).toBe(123_456);
    expect(world.sandbox.log.count()).toBe(0);
    expect(await store.list()).toEqual(["k"]);
  });
});
