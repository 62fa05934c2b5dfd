import { AuthorizationError, isUsable, OAuthError, StateMismatchError, buildLegacyImplicitUrl, validateLegacyImplicitCallback } from "@mly/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approve, logIn, REDIRECT_URI, startWorld, type TestWorld } from "./_test_helpers.ts";
import { clientCredentialsToken, finishLogin, refreshTokens, startLogin } from "./login.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.sandbox.close();
});

describe("Mapillary v4 login against the sandbox", () => {
  it("runs the code flow end to end and the token works on /me", async () => {
    const tokens = await logIn(world.mapillary, world.mlyClient, ["read"]);
    expect(tokens.kind).toBe("user");
    expect(isUsable(tokens, Date.now())).toBe(true);
    expect(tokens.expiresAt! - Date.now()).toBeGreaterThan(59 * 86_400_000);
    const me = await fetch(`${world.mapillary.apiBaseUrl}/me?fields=id,username`, {
      headers: { authorization: `OAuth ${tokens.accessToken.reveal()}` },
    });
    expect(me.status).toBe(200);
    const exchange = world.sandbox.log.last({ grantType: "authorization_code" });
    expect(exchange?.status).toBe(200);
    expect(exchange?.credentialLocation).toBe("header");
  });

  it("refreshes with the current access token", async () => {
    const tokens = await logIn(world.mapillary, world.mlyClient);
    const fresh = await refreshTokens({ profile: world.mapillary, client: world.mlyClient }, tokens);
    expect(fresh.accessToken.equals(tokens.accessToken)).toBe(false);
    expect(world.sandbox.log.last({ grantType: "refresh_token" })?.status).toBe(200);
  });

  it("surfaces a denied consent as AuthorizationError and a replayed callback as StateMismatchError", async () => {
    const { url, pending } = await startLogin({ profile: world.mapillary, client: world.mlyClient }, { redirectUri: REDIRECT_URI });
    const denied = new URL(REDIRECT_URI);
    denied.searchParams.set("error", "user_denied");
    denied.searchParams.set("state", pending.state);
    await expect(finishLogin({ profile: world.mapillary, client: world.mlyClient }, pending, denied)).rejects.toBeInstanceOf(AuthorizationError);
    await expect(finishLogin({ profile: world.mapillary, client: world.mlyClient }, pending, await approve(url))).rejects.toBeInstanceOf(StateMismatchError);
  });

  it("a code can be exchanged once: the sandbox refuses a replayed code with a typed OAuth error", async () => {
    const first = await startLogin({ profile: world.mapillary, client: world.mlyClient }, { redirectUri: REDIRECT_URI });
    const callback = await approve(first.url);
    await finishLogin({ profile: world.mapillary, client: world.mlyClient }, first.pending, callback);
    // A second login whose callback carries the first (used) code, with a valid state.
    const second = await startLogin({ profile: world.mapillary, client: world.mlyClient }, { redirectUri: REDIRECT_URI });
    const replay = new URL(callback);
    replay.searchParams.set("state", second.pending.state);
    const error = await finishLogin({ profile: world.mapillary, client: world.mlyClient }, second.pending, replay).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("invalid_grant");
  });
});

describe("Mapillary v2 login against the sandbox", () => {
  it("runs the code flow; the token never expires", async () => {
    const tokens = await logIn(world.mapillaryV2, world.v2Client, ["user:read"]);
    expect(tokens.expiresAt).toBeNull();
    const exchange = world.sandbox.log.last({ grantType: "authorization_code", api: "mapillary-v2" });
    expect(exchange?.status).toBe(200);
  });

  it("runs the legacy implicit flow only behind the opt-in, reading the token from the query string", async () => {
    const { url, pending } = buildLegacyImplicitUrl(world.mapillaryV2, world.v2Client, {
      redirectUri: REDIRECT_URI,
      scopes: ["user:read"],
      legacyImplicit: true,
    });
    const callback = await approve(url);
    expect(new URL(callback).searchParams.has("access_token")).toBe(true);
    const tokens = validateLegacyImplicitCallback(world.mapillaryV2, pending, callback);
    expect(tokens.expiresAt).toBeNull();
    const me = await fetch(`${world.mapillaryV2.apiBaseUrl}/v2/me?client_id=${world.v2Client.clientId}`, {
      headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` },
    });
    expect(me.status).toBe(200);
  });
});

describe("Mapiq client credentials against the sandbox", () => {
  it("obtains a token whose string numerics are parsed", async () => {
    const before = Date.now();
    const tokens = await clientCredentialsToken({ profile: world.mapiq, client: world.mapiqClient });
    expect(tokens.kind).toBe("client_app");
    expect(tokens.expiresAt! - before).toBeGreaterThan(3_500_000);
    expect(tokens.notBefore).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("a wrong secret is a typed invalid_client error that does not print the secret", async () => {
    const error = await clientCredentialsToken({ profile: world.mapiq, client: { clientId: world.mapiqClient.clientId, clientSecret: "wrong-secret-value" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("invalid_client");
    expect(JSON.stringify(error)).not.toContain("wrong-secret-value");
    expect(String((error as Error).stack)).not.toContain("wrong-secret-value");
  });
});
