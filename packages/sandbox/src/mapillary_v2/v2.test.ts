import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLBACK, consentRequestId, get, location, postForm, postJson, testClock, withParams } from "../_test_helpers.ts";
import type { TestClock } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";

let sb: Sandbox;
let clock: TestClock;
beforeEach(async () => {
  clock = testClock();
  sb = await startSandbox({ now: clock.now, autoApprove: true });
});
afterEach(() => sb.close());

const connect = (params: Record<string, string>): Promise<Response> =>
  get(withParams(sb.endpoints.mapillaryV2.authorizationEndpoint, { client_id: sb.credentials.mapillaryV2.clientId, redirect_uri: CALLBACK, state: "st", ...params }));
const apiUrl = (path: string, clientId: string | null = sb.credentials.mapillaryV2.clientId): string =>
  `${sb.endpoints.mapillaryV2.apiBaseUrl}${path}${clientId === null ? "" : `?client_id=${encodeURIComponent(clientId)}`}`;

describe("v2 /connect", () => {
  it("implicit: the token arrives in the QUERY string with expires_in=never", async () => {
    const res = await connect({ response_type: "token", scope: "user:read user:email" });
    const loc = location(res);
    expect(loc.hash).toBe("");
    expect([...loc.searchParams.keys()]).toEqual(["token_type", "access_token", "expires_in", "state"]);
    expect(loc.searchParams.get("token_type")).toBe("bearer");
    expect(loc.searchParams.get("expires_in")).toBe("never");
    expect(loc.searchParams.get("state")).toBe("st");
    const token = loc.searchParams.get("access_token") ?? "";
    const me = await get(apiUrl("/v2/me"), { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "sandbox-user", email: "sandbox-user@example.com" });
    clock.advance(10 * 365 * 86_400_000);
    expect((await get(apiUrl("/v2/me"), { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("code flow: form exchange returns a never-expiring bearer token; codes are single-use", async () => {
    const code = location(await connect({ response_type: "code", scope: "user:read" })).searchParams.get("code") ?? "";
    const fields = {
      client_id: sb.credentials.mapillaryV2.clientId,
      client_secret: sb.credentials.mapillaryV2.clientSecret,
      redirect_uri: CALLBACK,
      grant_type: "authorization_code",
      code,
    };
    const res = await postForm(sb.endpoints.mapillaryV2.tokenEndpoint, fields);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    // A token that never expires has no `expires_in` in JSON (RFC 6749 §5.1); `never` is the implicit quirk only.
    expect(body).toEqual({ access_token: expect.any(String) as unknown, token_type: "bearer" });
    expect(sb.log.last()).toMatchObject({ credential: "client-secret", credentialLocation: "body", grantType: "authorization_code" });
    const again = await postForm(sb.endpoints.mapillaryV2.tokenEndpoint, fields);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: "invalid_grant" });
    const me = await get(apiUrl("/v2/me"), { authorization: `Bearer ${body.access_token}` });
    expect(await me.json()).not.toHaveProperty("email");
  });

  it("token endpoint: client_id in the query, wrong secret, redirect mismatch", async () => {
    const code = location(await connect({ response_type: "code" })).searchParams.get("code") ?? "";
    const bad = await postForm(`${sb.endpoints.mapillaryV2.tokenEndpoint}?client_id=${sb.credentials.mapillaryV2.clientId}`, {
      client_secret: "wrong",
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "client_secret_invalid" });
    const mismatch = await postForm(`${sb.endpoints.mapillaryV2.tokenEndpoint}?client_id=${sb.credentials.mapillaryV2.clientId}`, {
      client_secret: sb.credentials.mapillaryV2.clientSecret,
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://127.0.0.1:45678/elsewhere",
    });
    expect(await mismatch.json()).toMatchObject({ code: "invalid_grant" });
    const noClient = await postJson(sb.endpoints.mapillaryV2.tokenEndpoint, { grant_type: "authorization_code", code: "x" });
    expect(await noClient.json()).toMatchObject({ code: "client_id_invalid" });
  });

  it("checks scopes (mapillary:user is for native apps only) and response_type; Deny gives access_denied", async () => {
    expect(location(await connect({ response_type: "token", scope: "mapillary:user" })).searchParams.get("error")).toBe("invalid_scope");
    expect(location(await connect({ response_type: "token", scope: "user:read bogus" })).searchParams.get("error")).toBe("invalid_scope");
    expect(location(await connect({ response_type: "id_token" })).searchParams.get("error")).toBe("unsupported_response_type");
    expect((await connect({ client_id: "nope", response_type: "token" })).status).toBe(400);
    sb.settings.autoApprove = false;
    const page = await (await connect({ response_type: "token", scope: "org:read org:write" })).text();
    expect(page).toContain("<code>org:write</code>");
    const deny = await postForm(sb.endpoints.mapillaryV2.authorizationEndpoint, { request_id: consentRequestId(page), decision: "deny" });
    expect(Object.fromEntries(location(deny).searchParams)).toEqual({ error: "access_denied", state: "st" });
  });
});

describe("v2 API", () => {
  it("requires client_id on every call", async () => {
    const res = await get(apiUrl("/v2/status", null));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "client_id_invalid", message: expect.any(String) as unknown });
    expect((await get(apiUrl("/v2/status", "wrong"))).status).toBe(401);
    const ok = await get(apiUrl("/v2/status"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok" });
  });

  it("requires a valid Bearer token for /v2/me; revoked tokens stop working", async () => {
    expect((await get(apiUrl("/v2/me"))).status).toBe(401);
    expect((await get(apiUrl("/v2/me"), { authorization: "Bearer nope" })).status).toBe(401);
    const token = location(await connect({ response_type: "token" })).searchParams.get("access_token") ?? "";
    expect((await get(apiUrl("/v2/me"), { authorization: `OAuth ${token}` })).status).toBe(401);
    expect((await get(apiUrl("/v2/me"), { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(sb.log.last()).toMatchObject({ credential: "user-token", credentialLocation: "header", api: "mapillary-v2" });
    sb.revokeToken(token);
    expect(await (await get(apiUrl("/v2/me"), { authorization: `Bearer ${token}` })).json()).toMatchObject({ code: "unauthorized" });
  });

  it("answers 429 over the per-client limit", async () => {
    sb.settings.mapillaryV2RateLimit = { limit: 2, windowMs: 10_000 };
    expect((await get(apiUrl("/v2/status"))).status).toBe(200);
    expect((await get(apiUrl("/v2/status"))).status).toBe(200);
    const over = await get(apiUrl("/v2/status"));
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("10");
    expect(await over.json()).toMatchObject({ code: "too_many_requests" });
  });
});
