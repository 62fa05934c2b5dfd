import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { createClient } from "./client.ts";
import { ConfigError, HttpError, OAuthError, RateLimitedError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { oauth2Profile } from "./oauth2.ts";
import { processRevocationResponse, revocationRequest } from "./revocation.ts";
import { Secret } from "./secret.ts";
import type { HttpResponseData } from "./http.ts";
import { caught, form, json } from "./_test_util.ts";

const TOKEN = new Secret("refresh-token-value-42");
const profile = (auth: "client_secret_basic" | "client_secret_post" | "none") =>
  oauth2Profile({ issuer: "https://a.example", tokenEndpoint: "https://a.example/token", revocationEndpoint: "https://a.example/revoke", tokenEndpointAuth: auth });
const client = createClient({ clientId: "app", clientSecret: "s3cret-value" });

describe("revocationRequest", () => {
  it("POSTs a form with token and token_type_hint to the revocation endpoint, authenticated per profile", () => {
    const basic = revocationRequest(profile("client_secret_basic"), client, TOKEN, { tokenTypeHint: "refresh_token" });
    expect(basic.method).toBe("POST");
    expect(basic.url).toBe("https://a.example/revoke");
    expect(basic.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(basic.headers["authorization"]).toBe(`Basic ${btoa("app:s3cret-value")}`);
    expect(form(basic.body)).toEqual({ token: TOKEN.reveal(), token_type_hint: "refresh_token" });

    const post = revocationRequest(profile("client_secret_post"), client, TOKEN);
    expect(form(post.body)).toEqual({ token: TOKEN.reveal(), client_id: "app", client_secret: "s3cret-value" });
    expect(post.headers["authorization"]).toBeUndefined();

    const none = revocationRequest(profile("none"), createClient({ clientId: "app" }), TOKEN, { tokenTypeHint: "access_token" });
    expect(form(none.body)).toEqual({ token: TOKEN.reveal(), token_type_hint: "access_token", client_id: "app" });
  });

  it("never prints the token or the credential", () => {
    const request = revocationRequest(profile("client_secret_basic"), client, TOKEN);
    const printed = JSON.stringify(request) + inspect(request) + String(request);
    expect(printed).not.toContain(TOKEN.reveal());
    expect(printed).not.toContain(btoa("app:s3cret-value"));
  });

  it("a profile without a revocation endpoint → ConfigError saying so, before anything is sent", () => {
    const error = caught(() => revocationRequest(mapillary, client, TOKEN));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/no revocation endpoint/);
  });
});

describe("processRevocationResponse", () => {
  const request = revocationRequest(profile("client_secret_post"), client, TOKEN);
  const refusal = (response: HttpResponseData): unknown =>
    caught(() => {
      processRevocationResponse(request, response);
    });

  it("200 is success, with or without a body", () => {
    expect(() => {
      processRevocationResponse(request, { status: 200, headers: {}, body: "" });
    }).not.toThrow();
  });

  it("an OAuth error body → OAuthError, scrubbed of the token", () => {
    const error = refusal(json(400, { error: "unsupported_token_type", error_description: `cannot revoke ${TOKEN.reveal()}` }));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe("unsupported_token_type");
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(TOKEN.reveal());
  });

  it("503 → RateLimitedError with the Retry-After wait; an unknown body → HttpError", () => {
    const busy = refusal({ status: 503, headers: { "retry-after": "7" }, body: "" });
    expect(busy).toBeInstanceOf(RateLimitedError);
    expect((busy as RateLimitedError).retryAfterMs).toBe(7_000);
    expect(refusal({ status: 500, headers: {}, body: "oops" })).toBeInstanceOf(HttpError);
  });
});
