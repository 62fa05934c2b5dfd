import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl } from "./authorization_request.ts";
import { validateCallback, type ValidatedCallback } from "./callback.ts";
import { createClient } from "./client.ts";
import { buildCodeExchange } from "./code_exchange.ts";
import { ConfigError, OAuthError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { oauth2Profile } from "./oauth2.ts";
import type { ProviderProfile } from "./profile.ts";
import { processTokenResponse } from "./token_request.ts";
import { REDIRECT, V4_SECRET, caught, form, json } from "./_test_util.ts";

async function callbackFor(profile: ProviderProfile, code = "the-code"): Promise<ValidatedCallback> {
  const { pending } = await buildAuthorizationUrl(profile, createClient({ clientId: "1234" }), { redirectUri: REDIRECT });
  return validateCallback(profile, pending, `${REDIRECT}?code=${code}&state=${pending.state}`);
}
const generic = (auth: "client_secret_basic" | "client_secret_post" | "none"): ProviderProfile =>
  oauth2Profile({ authorizationEndpoint: "https://as.test/authorize", tokenEndpoint: "https://as.test/token", tokenEndpointAuth: auth });

describe("buildCodeExchange", () => {
  it("Mapillary v4: Authorization: OAuth <secret>, JSON body with numeric client_id, no secret in the body", async () => {
    const call = buildCodeExchange(mapillary, createClient({ clientId: "1234", clientSecret: V4_SECRET }), await callbackFor(mapillary));
    const { request } = call;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://graph.mapillary.com/token");
    expect(request.headers).toEqual({ accept: "application/json", authorization: `OAuth ${V4_SECRET}`, "content-type": "application/json" });
    expect(JSON.parse(request.body!)).toEqual({ grant_type: "authorization_code", code: "the-code", client_id: 1234, redirect_uri: REDIRECT });
    expect(request.body).toContain('"client_id":1234');
    expect(request.body).not.toContain(V4_SECRET);
    expect(call).toMatchObject({ grant: "authorization_code", kind: "user", previous: undefined });
    const tokens = processTokenResponse(call, json(200, { access_token: "MLYtok", expires_in: 5_184_000, token_type: "bearer" }), 0);
    expect(tokens.accessToken.reveal()).toBe("MLYtok");
    expect(tokens.expiresAt).toBe(5_184_000_000);
  });

  it("Mapillary v4: a non-numeric client id stays a string", async () => {
    const call = buildCodeExchange(mapillary, createClient({ clientId: "abc", clientSecret: V4_SECRET }), await callbackFor(mapillary));
    expect(JSON.parse(call.request.body!)).toMatchObject({ client_id: "abc" });
  });

  it("Mapillary v2: form with client_secret, and client_id also in the URL", async () => {
    const call = buildCodeExchange(mapillaryV2, createClient({ clientId: "v2id", clientSecret: "v2secret" }), await callbackFor(mapillaryV2));
    expect(call.request.url).toBe("https://a.mapillary.com/v2/oauth/token?client_id=v2id");
    expect(call.request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call.request.headers["authorization"]).toBeUndefined();
    expect(form(call.request.body)).toEqual({ grant_type: "authorization_code", code: "the-code", redirect_uri: REDIRECT, client_id: "v2id", client_secret: "v2secret" });
  });

  it("oauth2 client_secret_basic: form-encoded id:secret in Basic, PKCE verifier in the body", async () => {
    const profile = generic("client_secret_basic");
    const callback = await callbackFor(profile);
    const call = buildCodeExchange(profile, createClient({ clientId: "my id", clientSecret: "s:e/c+r!t" }), callback);
    expect(call.request.headers["authorization"]).toBe(`Basic ${btoa("my+id:s%3Ae%2Fc%2Br%21t")}`);
    expect(form(call.request.body)).toEqual({ grant_type: "authorization_code", code: "the-code", redirect_uri: REDIRECT, code_verifier: callback.pending.codeVerifier!.reveal() });
  });

  it("oauth2 client_secret_post and none", async () => {
    const post = generic("client_secret_post");
    expect(form(buildCodeExchange(post, createClient({ clientId: "id", clientSecret: "sec" }), await callbackFor(post)).request.body)).toMatchObject({ client_id: "id", client_secret: "sec" });
    const none = generic("none");
    const request = buildCodeExchange(none, createClient({ clientId: "id" }), await callbackFor(none)).request;
    expect(form(request.body)).toMatchObject({ client_id: "id" });
    expect(form(request.body)).not.toHaveProperty("client_secret");
    expect(request.headers["authorization"]).toBeUndefined();
  });

  it("refuses an unvalidated callback, another provider's callback, a missing secret", async () => {
    const fake = { code: { reveal: () => "x" }, pending: { provider: "mapillary" } } as unknown as ValidatedCallback;
    expect(caught(() => buildCodeExchange(mapillary, createClient({ clientId: "1", clientSecret: "s" }), fake))).toBeInstanceOf(ConfigError);
    const c1 = await callbackFor(mapillary);
    expect(caught(() => buildCodeExchange(mapillaryV2, createClient({ clientId: "1", clientSecret: "s" }), c1))).toBeInstanceOf(ConfigError);
    const c2 = await callbackFor(mapillary);
    expect(caught(() => buildCodeExchange(mapillary, createClient({ clientId: "1" }), c2))).toBeInstanceOf(ConfigError);
  });

  it("an error response becomes an OAuthError with the code scrubbed from the description", async () => {
    const call = buildCodeExchange(mapillary, createClient({ clientId: "1234", clientSecret: V4_SECRET }), await callbackFor(mapillary, "leaky-code-123"));
    const error = caught(() => processTokenResponse(call, json(400, { error: "invalid_grant", error_description: "code leaky-code-123 was used" }), 0));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).errorDescription).toBe("code [redacted] was used");
  });
});
