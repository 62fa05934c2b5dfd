import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLBACK, consentRequestId, get, location, postForm, postJson, withParams } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox({ redirectUris: ["https://app.example/callback"] });
});
afterEach(() => sb.close());

const connect = (params: Record<string, string>): Promise<Response> =>
  get(withParams(sb.endpoints.mapillary.authorizationEndpoint, { client_id: sb.credentials.mapillary.clientId, redirect_uri: CALLBACK, state: "xyz", ...params }));

describe("v4 /connect consent page", () => {
  it("shows the app name, scopes and Approve / Deny buttons posting a real form", async () => {
    const res = await connect({ response_type: "code", scope: "read write" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).toContain("Sandbox Demo App");
    expect(page).toContain("<code>read</code>");
    expect(page).toContain("<code>write</code>");
    expect(page).toMatch(/<form method="post" action="\/mapillary\/connect">/);
    expect(page).toMatch(/<button type="submit" id="approve" name="decision" value="approve">/);
    expect(page).toMatch(/<button type="submit" id="deny" name="decision" value="deny">/);
  });

  it("Approve redirects with code and state and no iss", async () => {
    const page = await (await connect({ scope: "read" })).text();
    const loc = location(await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: consentRequestId(page), decision: "approve" }));
    expect(`${loc.origin}${loc.pathname}`).toBe(CALLBACK);
    expect(loc.searchParams.get("code")).toMatch(/^[\w-]{20,}$/);
    expect(loc.searchParams.get("state")).toBe("xyz");
    expect(loc.searchParams.has("iss")).toBe(false);
  });

  it("Deny redirects with error=user_denied and state; a consent answer is single-use", async () => {
    const id = consentRequestId(await (await connect({})).text());
    const loc = location(await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: id, decision: "deny" }));
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: "user_denied", state: "xyz" });
    const again = await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: id, decision: "approve" });
    expect(again.status).toBe(400);
    expect(again.headers.get("location")).toBeNull();
  });

  it("never redirects for an invalid client_id or redirect_uri (HTML error page)", async () => {
    for (const res of [
      await connect({ client_id: "999" }),
      await connect({ redirect_uri: "https://evil.example/cb" }),
      await connect({ redirect_uri: "http://127.0.0.1:1/cb#frag" }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain('id="error"');
    }
  });

  it("redirects invalid_scope for an unknown scope, invalid_request for another response_type", async () => {
    expect(Object.fromEntries(location(await connect({ scope: "read admin" })).searchParams)).toEqual({ error: "invalid_scope", state: "xyz" });
    expect(location(await connect({ response_type: "token" })).searchParams.get("error")).toBe("invalid_request");
  });

  it("auto-approve (setting) redirects at once and ignores code_challenge", async () => {
    sb.settings.autoApprove = true;
    const loc = location(await connect({ code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }));
    expect(loc.searchParams.get("code")).toBeTruthy();
    expect(loc.searchParams.get("state")).toBe("xyz");
  });

  it("accepts the dashboard's Authentication URL (only client_id, seed 001): consent, then a code on the registered callback that exchanges", async () => {
    const authenticationUrl = `${sb.endpoints.mapillary.authorizationEndpoint}?client_id=${sb.credentials.mapillary.clientId}`;
    const page = await get(authenticationUrl);
    expect(page.status).toBe(200);
    const approved = location(await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: consentRequestId(await page.text()), decision: "approve" }));
    expect(`${approved.origin}${approved.pathname}`).toBe("https://app.example/callback");
    expect([...approved.searchParams.keys()]).toEqual(["code"]);
    // Exchanged like seed 001 (no redirect_uri, since the authorization request had none) ...
    const exchange = await postJson(
      sb.endpoints.mapillary.tokenEndpoint,
      { grant_type: "authorization_code", code: approved.searchParams.get("code"), client_id: Number(sb.credentials.mapillary.clientId) },
      { authorization: `OAuth ${sb.credentials.mapillary.clientSecret}` },
    );
    expect(exchange.status).toBe(200);
    const { access_token } = (await exchange.json()) as { access_token: string };
    expect((await get(`${sb.endpoints.mapillary.apiBaseUrl}/me`, { authorization: `OAuth ${access_token}` })).status).toBe(200);
    // ... and a denial reaches the same callback without a state either.
    const again = await get(authenticationUrl);
    const denied = location(await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: consentRequestId(await again.text()), decision: "deny" }));
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: "user_denied" });
  });

  it("treats an empty state as no state", async () => {
    sb.settings.autoApprove = true;
    const loc = location(await connect({ state: "" }));
    expect(loc.searchParams.get("code")).toBeTruthy();
    expect(loc.searchParams.has("state")).toBe(false);
  });

  it("uses the registered callback when no redirect_uri is sent", async () => {
    sb.settings.autoApprove = true;
    const res = await get(withParams(sb.endpoints.mapillary.authorizationEndpoint, { client_id: sb.credentials.mapillary.clientId, state: "q" }));
    expect(location(res).href).toMatch(/^https:\/\/app\.example\/callback\?code=/);
  });
});
