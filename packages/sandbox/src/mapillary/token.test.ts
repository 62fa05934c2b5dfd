import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLBACK, get, location, postForm, postJson, testClock, v4Code, v4Token, withParams } from "../_test_helpers.ts";
import type { TestClock } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";

let sb: Sandbox;
let clock: TestClock;
beforeEach(async () => {
  clock = testClock();
  sb = await startSandbox({ now: clock.now });
});
afterEach(() => sb.close());

const oauth = (): Record<string, string> => ({ authorization: `OAuth ${sb.credentials.mapillary.clientSecret}` });
const exchange = (code: string, extra: Record<string, unknown> = {}): Promise<Response> =>
  postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "authorization_code", code, client_id: Number(sb.credentials.mapillary.clientId), redirect_uri: CALLBACK, ...extra }, oauth());
const refresh = (token: string): Promise<Response> =>
  postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "refresh_token", refresh_token: token, client_id: Number(sb.credentials.mapillary.clientId) }, oauth());

describe("v4 POST /token, authorization_code", () => {
  it("accepts a JSON body with a numeric client_id", async () => {
    const body = await v4Token(sb, await v4Code(sb));
    expect(body.token_type).toBe("bearer");
    expect(body.expires_in).toBe(60 * 24 * 60 * 60);
    expect(body.access_token).toMatch(/^MLYAR/);
    expect(body).not.toHaveProperty("refresh_token");
  });

  it("accepts a form body with a string client_id", async () => {
    const res = await postForm(
      sb.endpoints.mapillary.tokenEndpoint,
      { grant_type: "authorization_code", code: await v4Code(sb), client_id: sb.credentials.mapillary.clientId, redirect_uri: CALLBACK },
      oauth(),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { token_type: string }).token_type).toBe("bearer");
  });

  it("codes are single-use", async () => {
    const code = await v4Code(sb);
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("codes are short-lived (codeLifetimeSeconds)", async () => {
    const code = await v4Code(sb);
    clock.advance(60_000);
    const res = await exchange(code);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant", error_description: "Authorization code is expired" });
    sb.settings.codeLifetimeSeconds = 5;
    const code2 = await v4Code(sb);
    clock.advance(4999);
    expect((await exchange(code2)).status).toBe(200);
  });

  it("redirect_uri must equal the one sent to /connect", async () => {
    const mismatch = await exchange(await v4Code(sb), { redirect_uri: "http://127.0.0.1:45678/other" });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ error: "invalid_grant" });
    const missing = await postJson(
      sb.endpoints.mapillary.tokenEndpoint,
      { grant_type: "authorization_code", code: await v4Code(sb), client_id: Number(sb.credentials.mapillary.clientId) },
      oauth(),
    );
    expect(missing.status).toBe(400);
  });

  it("requires Authorization: OAuth <client_secret>, never the secret in the body", async () => {
    const code = await v4Code(sb);
    const inBody = await postJson(sb.endpoints.mapillary.tokenEndpoint, {
      grant_type: "authorization_code",
      code,
      client_id: Number(sb.credentials.mapillary.clientId),
      client_secret: sb.credentials.mapillary.clientSecret,
      redirect_uri: CALLBACK,
    });
    expect(inBody.status).toBe(401);
    expect(((await inBody.json()) as { error: { code: number } }).error.code).toBe(190);
    const bearer = await postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "authorization_code", code, client_id: 1 }, {
      authorization: `Bearer ${sb.credentials.mapillary.clientSecret}`,
    });
    expect(bearer.status).toBe(401);
    const wrong = await exchange(code, {});
    expect(wrong.status).toBe(200); // the code survived the rejected attempts
    const badSecret = await postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "authorization_code", code: await v4Code(sb), client_id: Number(sb.credentials.mapillary.clientId), redirect_uri: CALLBACK }, {
      authorization: `OAuth MLY|${sb.credentials.mapillary.clientId}|${"0".repeat(32)}`,
    });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: { code: 190, type: "OAuthException", message: "Error validating client secret." } });
    expect(sb.log.last({ route: "/mapillary/graph/token" })).toMatchObject({ credential: "client-secret", credentialLocation: "header", grantType: "authorization_code" });
  });

  it("answers Graph code 100 for malformed requests and unsupported_grant_type", async () => {
    const noClient = await postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "authorization_code", code: "x" }, oauth());
    expect(noClient.status).toBe(400);
    expect(((await noClient.json()) as { error: { code: number } }).error.code).toBe(100);
    const password = await postJson(sb.endpoints.mapillary.tokenEndpoint, { grant_type: "password", client_id: sb.credentials.mapillary.clientId }, oauth());
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });
    expect(password.headers.get("x-app-usage")).not.toBeNull();
  });
});

describe("v4 POST /token, refresh_token", () => {
  it("takes the current access token as the refresh token", async () => {
    const first = await v4Token(sb, await v4Code(sb));
    const res = await refresh(first.access_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as { access_token: string; expires_in: number };
    expect(second.access_token).not.toBe(first.access_token);
    const me = await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${second.access_token}` });
    expect(me.status).toBe(200);
    expect(sb.log.last({ route: "/mapillary/graph/token" })?.grantType).toBe("refresh_token");
  });

  it("rejects an expired or revoked access token: the user must log in again", async () => {
    sb.settings.mapillaryTokenLifetimeSeconds = 30;
    const t = await v4Token(sb, await v4Code(sb));
    expect(t.expires_in).toBe(30);
    clock.advance(30_000);
    const expired = await refresh(t.access_token);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ error: "invalid_grant" });
    const t2 = await v4Token(sb, await v4Code(sb));
    expect(sb.revokeToken(t2.access_token)).toBe(true);
    expect((await refresh(t2.access_token)).status).toBe(400);
    expect((await refresh(sb.credentials.mapillary.clientToken)).status).toBe(400);
  });

  it("optionally issues a separate single-use refresh token (seed 001)", async () => {
    sb.settings.mapillaryRefreshTokens = true;
    const t = await v4Token(sb, await v4Code(sb));
    expect(t.refresh_token).toMatch(/^MLYRR/);
    const res = await refresh(t.refresh_token ?? "");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { refresh_token?: string }).refresh_token).toMatch(/^MLYRR/);
    expect((await refresh(t.refresh_token ?? "")).status).toBe(400);
    const me = await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${t.refresh_token ?? ""}` });
    expect(me.status).toBe(401);
  });

  it("in refresh-token mode a refresh requires the refresh token: the access token is refused", async () => {
    sb.settings.mapillaryRefreshTokens = true;
    const t = await v4Token(sb, await v4Code(sb));
    const withAccess = await refresh(t.access_token);
    expect(withAccess.status).toBe(400);
    expect(await withAccess.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringContaining("not an access token") as unknown });
    expect((await refresh(t.refresh_token ?? "")).status).toBe(200);
  });

  it("in refresh-token mode the refresh token outlives the access token", async () => {
    sb.settings.mapillaryRefreshTokens = true;
    sb.settings.mapillaryTokenLifetimeSeconds = 30;
    const t = await v4Token(sb, await v4Code(sb));
    clock.advance(31_000);
    expect((await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${t.access_token}` })).status).toBe(401);
    const res = await refresh(t.refresh_token ?? "");
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { access_token: string };
    expect((await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${fresh.access_token}` })).status).toBe(200);
  });

  it("in the default mode a refresh token left from refresh-token mode is refused", async () => {
    sb.settings.mapillaryRefreshTokens = true;
    const t = await v4Token(sb, await v4Code(sb));
    sb.settings.mapillaryRefreshTokens = false;
    expect((await refresh(t.refresh_token ?? "")).status).toBe(400);
    expect((await refresh(t.access_token)).status).toBe(200);
  });

  it("serves the whole flow from the consent page with location helpers", async () => {
    sb.settings.autoApprove = true;
    const loc = location(await get(withParams(sb.endpoints.mapillary.authorizationEndpoint, { client_id: sb.credentials.mapillary.clientId, redirect_uri: CALLBACK, state: "a" })));
    expect((await exchange(loc.searchParams.get("code") ?? "")).status).toBe(200);
  });
});
