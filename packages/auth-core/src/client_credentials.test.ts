import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { buildClientCredentials } from "./client_credentials.ts";
import { ConfigError, OAuthError, UnknownScopeError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapiq } from "./mapiq.ts";
import { oauth2Profile } from "./oauth2.ts";
import { processTokenResponse } from "./token_request.ts";
import { caught, form, json } from "./_test_util.ts";

const client = createClient({ clientId: "11111111-0000-0000-0000-000000000000", clientSecret: "mapiq-secret-value" });

describe("buildClientCredentials", () => {
  it("Mapiq: the documented form post", () => {
    const call = buildClientCredentials(mapiq, client);
    expect(call.request.method).toBe("POST");
    expect(call.request.url).toBe("https://account.mapiq.com/api/public/oauth2/token");
    expect(call.request.headers).toEqual({ accept: "application/json", "content-type": "application/x-www-form-urlencoded" });
    expect(form(call.request.body)).toEqual({
      grant_type: "client_credentials",
      scope: "https://api.mapiq.com/public/.default",
      client_id: "11111111-0000-0000-0000-000000000000",
      client_secret: "mapiq-secret-value",
    });
    expect(call).toMatchObject({ grant: "client_credentials", kind: "client_app", requestedScopes: ["https://api.mapiq.com/public/.default"] });
  });

  it("Mapiq: reads the Azure-style response with string numbers", () => {
    const call = buildClientCredentials(mapiq, client);
    const tokens = processTokenResponse(call, json(200, { access_token: "eyJ", token_type: "Bearer", not_before: "1700000000", expires_in: "3599", expires_on: "1700003599", resource: "https://api.mapiq.com" }), 1_700_000_000_000);
    expect(tokens).toMatchObject({ kind: "client_app", expiresAt: 1_700_003_599_000, notBefore: 1_700_000_000_000, scopes: ["https://api.mapiq.com/public/.default"] });
    const error = caught(() => processTokenResponse(call, json(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret mapiq-secret-value" }), 0));
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as Error).message).not.toContain("mapiq-secret-value");
  });

  it("generic servers with basic auth, no scope", () => {
    const profile = oauth2Profile({ tokenEndpoint: "https://as.test/token" });
    const call = buildClientCredentials(profile, createClient({ clientId: "id", clientSecret: "sec" }));
    expect(form(call.request.body)).toEqual({ grant_type: "client_credentials" });
    expect(call.request.headers["authorization"]).toBe(`Basic ${btoa("id:sec")}`);
  });

  it("refuses unknown scopes, a missing secret, a profile without the grant", () => {
    expect(caught(() => buildClientCredentials(mapiq, client, { scopes: ["other"] }))).toBeInstanceOf(UnknownScopeError);
    expect(caught(() => buildClientCredentials(mapiq, createClient({ clientId: "id" })))).toBeInstanceOf(ConfigError);
    expect(caught(() => buildClientCredentials(mapillary, client))).toBeInstanceOf(ConfigError);
  });
});
