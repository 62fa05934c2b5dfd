import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { ConfigError, LoginRequiredError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";
import { oauth2Profile } from "./oauth2.ts";
import { buildRefresh } from "./refresh.ts";
import { Secret } from "./secret.ts";
import { processTokenResponse } from "./token_request.ts";
import { V4_SECRET, caught, form, json, tokenSet } from "./_test_util.ts";

const v4client = createClient({ clientId: "1234", clientSecret: V4_SECRET });

describe("buildRefresh", () => {
  it("Mapillary v4 sends the still-valid ACCESS token as refresh_token, JSON, OAuth header", () => {
    const tokens = tokenSet({ accessToken: new Secret("MLYcurrent"), issuedAt: 0, expiresAt: 60 * 86_400_000 });
    const call = buildRefresh(mapillary, v4client, tokens, { now: 1000 });
    expect(call.request.headers["authorization"]).toBe(`OAuth ${V4_SECRET}`);
    expect(JSON.parse(call.request.body!)).toEqual({ grant_type: "refresh_token", refresh_token: "MLYcurrent", client_id: 1234 });
    expect(call).toMatchObject({ grant: "refresh_token", kind: "user", previous: tokens, requestedScopes: ["read"] });
    const renewed = processTokenResponse(call, json(200, { access_token: "MLYnext", expires_in: 5_184_000 }), 2000);
    expect(renewed.accessToken.reveal()).toBe("MLYnext");
    expect(renewed.refreshToken).toBeUndefined();
  });

  it("Mapillary v4 refuses to refresh an expired token: LoginRequiredError", () => {
    const tokens = tokenSet({ issuedAt: 0, expiresAt: 1000 });
    expect(caught(() => buildRefresh(mapillary, v4client, tokens, { now: 1000 }))).toBeInstanceOf(LoginRequiredError);
    expect(caught(() => buildRefresh(mapillary, v4client, tokens))).toBeInstanceOf(LoginRequiredError);
  });

  it("Mapillary v4 uses a real refresh token when the response carried one (seed 001)", () => {
    const tokens = tokenSet({ refreshToken: new Secret("real-refresh"), expiresAt: 0 });
    expect(JSON.parse(buildRefresh(mapillary, v4client, tokens, { now: 5 }).request.body!)).toMatchObject({ refresh_token: "real-refresh" });
  });

  it("RFC 6749 servers: the refresh token, optional narrower scope; a response without refresh_token keeps the old one", () => {
    const profile = oauth2Profile({ tokenEndpoint: "https://as.test/token", tokenEndpointAuth: "client_secret_post" });
    const tokens = tokenSet({ refreshToken: new Secret("rt-1"), provider: "oauth2", scopes: ["a", "b"] });
    const call = buildRefresh(profile, createClient({ clientId: "id", clientSecret: "sec" }), tokens, { scopes: ["a"] });
    expect(form(call.request.body)).toEqual({ grant_type: "refresh_token", refresh_token: "rt-1", scope: "a", client_id: "id", client_secret: "sec" });
    expect(call.requestedScopes).toEqual(["a"]);
    const renewed = processTokenResponse(call, json(200, { access_token: "at-2", token_type: "Bearer", expires_in: 3600 }), 0);
    expect(renewed.refreshToken?.reveal()).toBe("rt-1");
    expect(renewed.scopes).toEqual(["a"]);
  });

  it("no refresh token → LoginRequiredError; no refresh grant → ConfigError", () => {
    const profile = oauth2Profile({ tokenEndpoint: "https://as.test/token" });
    expect(caught(() => buildRefresh(profile, createClient({ clientId: "id", clientSecret: "s" }), tokenSet()))).toBeInstanceOf(LoginRequiredError);
    expect(caught(() => buildRefresh(mapiq, createClient({ clientId: "id", clientSecret: "s" }), tokenSet()))).toBeInstanceOf(ConfigError);
    expect(caught(() => buildRefresh(mapillaryV2, createClient({ clientId: "id", clientSecret: "s" }), tokenSet()))).toBeInstanceOf(ConfigError);
  });
});
