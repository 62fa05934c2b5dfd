// The sandbox driven by an independent OAuth client library (openid-client 6, which is strict
// about RFC 6749 token responses), not by the SDK it is meant to test.
import * as oidc from "openid-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLBACK, get } from "./_test_helpers.ts";
import { MAPIQ_SCOPE } from "./mapiq/token.ts";
import { startSandbox } from "./sandbox.ts";
import type { Sandbox } from "./sandbox.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox({ autoApprove: true });
});
afterEach(() => sb.close());

/** An openid-client configuration for a plain OAuth 2.0 server on loopback (no discovery, no OIDC). */
function configFor(issuer: string, endpoints: { authorizationEndpoint?: string; tokenEndpoint: string }, clientId: string, clientSecret: string): oidc.Configuration {
  const config = new oidc.Configuration(
    {
      issuer,
      token_endpoint: endpoints.tokenEndpoint,
      ...(endpoints.authorizationEndpoint === undefined ? {} : { authorization_endpoint: endpoints.authorizationEndpoint }),
    },
    clientId,
    { client_secret: clientSecret },
    oidc.ClientSecretPost(clientSecret),
  );
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented switch for plain-http test servers: the sandbox is http on 127.0.0.1
  oidc.allowInsecureRequests(config);
  return config;
}

describe("openid-client 6 against the sandbox", () => {
  it("finishes the Mapillary v2 code flow; the never-expiring token has no expires_in and works on /v2/me", async () => {
    const { clientId, clientSecret } = sb.credentials.mapillaryV2;
    const config = configFor("https://www.mapillary.com", sb.endpoints.mapillaryV2, clientId, clientSecret);
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, response_type: "code", scope: "user:read user:email", state });
    const consent = await get(url.toString());
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get("location") ?? "");
    expect(callback.searchParams.get("state")).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedState: state }, { redirect_uri: CALLBACK });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBeUndefined();
    expect(tokens.expiresIn()).toBeUndefined();
    expect(sb.log.last({ api: "mapillary-v2", grantType: "authorization_code" })).toMatchObject({ status: 200, credentialLocation: "body" });

    const me = await get(`${sb.endpoints.mapillaryV2.apiBaseUrl}/v2/me?client_id=${clientId}`, { authorization: `Bearer ${tokens.access_token}` });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "sandbox-user", email: "sandbox-user@example.com" });
  });

  it("gets a Mapiq client-credentials token (string numerics, like Azure AD v1) that the Mapiq API accepts", async () => {
    const { clientId, clientSecret } = sb.credentials.mapiq;
    const config = configFor("https://account.mapiq.com/", sb.endpoints.mapiq, clientId, clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: MAPIQ_SCOPE });
    expect(tokens.token_type).toBe("bearer"); // openid-client lower-cases the type
    expect(tokens.expires_in).toBe(3599); // the string "3599", parsed
    expect(tokens["expires_on"]).toMatch(/^\d+$/);
    expect(sb.log.last({ api: "mapiq", grantType: "client_credentials" })).toMatchObject({ status: 200, credentialLocation: "body" });

    const buildings = await get(`${sb.endpoints.mapiq.apiBaseUrl}/v2/buildings`, { authorization: `Bearer ${tokens.access_token}` });
    expect(buildings.status).toBe(200);
  });

  it("sees a wrong Mapiq secret as the Azure-AD-like invalid_client error", async () => {
    const config = configFor("https://account.mapiq.com/", sb.endpoints.mapiq, sb.credentials.mapiq.clientId, "not-the-secret");
    const error = await oidc.clientCredentialsGrant(config, { scope: MAPIQ_SCOPE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    expect((error as oidc.ResponseBodyError).error).toBe("invalid_client");
    expect((error as oidc.ResponseBodyError).status).toBe(401);
  });
});
