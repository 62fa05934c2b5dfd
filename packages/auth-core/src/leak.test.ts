/**
 * The leak test: drives every error path and every printable object with distinctive secrets,
 * and searches every way a value gets printed for them.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseErrorResponse } from "./api_error.ts";
import { buildAuthorizationUrl, serializePendingAuthorization, type PendingAuthorization } from "./authorization_request.ts";
import { authorizeRequest } from "./credential_placement.ts";
import { validateCallback } from "./callback.ts";
import { createClient } from "./client.ts";
import { buildClientCredentials } from "./client_credentials.ts";
import { buildCodeExchange } from "./code_exchange.ts";
import { MlyError } from "./errors.ts";
import type { HttpResponseData } from "./http.ts";
import { buildLegacyImplicitUrl, validateLegacyImplicitCallback } from "./implicit.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import { oauth2Profile } from "./oauth2.ts";
import type { ProviderProfile } from "./profile.ts";
import { RefreshCoordinator } from "./refresh_coordinator.ts";
import { buildRefresh } from "./refresh.ts";
import { Secret } from "./secret.ts";
import { parseTokenSet, serializeTokenSet } from "./serialize.ts";
import { processTokenResponse, type TokenRequest } from "./token_request.ts";
import { createTokenRenewer } from "./token_renewer.ts";
import { parseTokenResponse } from "./token_response.ts";
import type { MlyEvent } from "./telemetry.ts";
import { FakeTransport, REDIRECT, json } from "./_test_util.ts";

const CLIENT_SECRET = "MLY|1234|c1ient5ecret0000aaaa1111bbbb2222";
const CODE = "AUTHCODE-9f8e7d6c5b4a";
const ACCESS = "MLYACCESS-0a1b2c3d4e5f";
const REFRESH = "REFRESH-7g8h9i0j1k2l";
const CLIENT_TOKEN = "MLY|1234|c1ienttoken333ccc444ddd555eee";
const IMPLICIT = "V2IMPLICIT-m3n4o5p6";
const SECRETS = [CLIENT_SECRET, CODE, ACCESS, REFRESH, CLIENT_TOKEN, IMPLICIT];
/** Standard base64 of the UTF-8 bytes (written out here, independently of the code under test). */
const base64 = (value: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(value)));
const base64url = (value: string): string => base64(value).replace(/\+/g, "-").replace(/\//g, "_");
/** Every form in which a server may echo a value: raw, percent-encoded once and twice, `+` for spaces, base64 and base64url (padded or not). */
const forms = (value: string): string[] => {
  const once = [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, "+"), base64(value), base64(value).replace(/=+$/, ""), base64url(value), base64url(value).replace(/=+$/, "")];
  return [...new Set(once.flatMap((form) => [form, encodeURIComponent(form), encodeURIComponent(encodeURIComponent(form))]))];
};
/** The HTTP Basic credential of the generic profile (client_secret_basic). */
const BASIC = btoa(`1234:${encodeURIComponent(CLIENT_SECRET)}`);
const NEEDLES = [...SECRETS, BASIC].flatMap(forms);
let verifiers: string[] = [];

/** Every printed form of a value. */
function printed(value: unknown): string[] {
  const out = [
    inspect(value, { depth: Infinity, showHidden: true }),
    inspect(value, { depth: Infinity, showHidden: true, colors: true }),
    [JSON.stringify(value)].join(""),
  ];
  try {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-template-expression -- the template literal is what is tested
    out.push(String(value), `${value as string}`);
  } catch {
    // Objects without a string form print nothing here.
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? "", inspect(value.cause, { depth: Infinity, showHidden: true }));
    if (value instanceof MlyError) out.push(JSON.stringify(value.toJSON()));
  }
  return out;
}

function expectNoLeak(label: string, value: unknown): void {
  const needles = [...NEEDLES, ...verifiers.flatMap(forms)];
  // One search for all needles (a plain `includes` per needle and per printed form is slow).
  const any = new RegExp(needles.map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
  for (const text of printed(value)) {
    const found = any.exec(text);
    if (found !== null) expect.fail(`${label} leaks ${found[0].slice(0, 12)}… in: ${text.slice(0, 300)}`);
  }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a throw");
}

const client = createClient({ clientId: "1234", clientSecret: CLIENT_SECRET, clientToken: CLIENT_TOKEN });
const basic = oauth2Profile({ authorizationEndpoint: "https://as.test/authorize", tokenEndpoint: "https://as.test/token", tokenEndpointAuth: "client_secret_basic" });
const post = oauth2Profile({ authorizationEndpoint: "https://as.test/authorize", tokenEndpoint: "https://as.test/token", tokenEndpointAuth: "client_secret_post" });

async function exchange(profile: ProviderProfile): Promise<{ call: TokenRequest; pending: PendingAuthorization }> {
  const { pending } = await buildAuthorizationUrl(profile, client, { redirectUri: REDIRECT });
  if (pending.codeVerifier !== undefined) verifiers.push(pending.codeVerifier.reveal());
  const callback = validateCallback(profile, pending, `${REDIRECT}?code=${CODE}&state=${pending.state}`);
  expectNoLeak("ValidatedCallback", callback);
  return { call: buildCodeExchange(profile, client, callback), pending };
}

/** Every way a server can echo what it was sent. */
function echoes(sent: readonly string[]): HttpResponseData[] {
  return sent.flatMap(forms).flatMap((echo) => [
      json(400, { error: "invalid_grant", error_description: `bad ${echo}`, error_uri: `https://x/${echo}` }),
      json(400, { error: echo }),
      json(200, { error: `invalid_client ${echo}` }),
      json(401, { error: { message: `token ${echo} invalid`, type: echo, code: 190, fbtrace_id: echo } }),
      json(403, { error: { message: `limit ${echo}`, code: 4 } }),
      json(500, { statusCode: 500, message: `failed for ${echo}` }),
      json(401, { code: echo, message: `client ${echo}` }),
      json(429, { statusCode: 429, message: `Try again in 5 seconds ${echo}` }),
      { status: 502, headers: {}, body: `<html>${echo}</html>` },
      json(200, { access_token: ACCESS, token_type: echo }),
      json(200, { access_token: ACCESS, expires_in: echo }),
      json(200, { access_token: ACCESS, refresh_token: 5, scope: echo }),
    ]);
}

describe("no secret ever prints", () => {
  it("clients, requests, token sets, pending logins and validated callbacks", async () => {
    verifiers = [];
    expectNoLeak("OAuthClient", client);
    expectNoLeak("Secret", new Secret(CLIENT_SECRET));
    for (const profile of [mapillary, mapillaryV2, basic, post]) {
      const { call, pending } = await exchange(profile);
      expectNoLeak(`PendingAuthorization ${profile.id}`, pending);
      expectNoLeak(`TokenRequest ${profile.id}`, call);
      expectNoLeak(`HttpRequestDescription ${profile.id}`, call.request);
      // The request really carries the secrets (so the test could fail).
      expect(`${call.request.body ?? ""} ${Object.values(call.request.headers).join(" ")}`).toMatch(/AUTHCODE|MLY\||Basic/);
      const tokens = processTokenResponse(call, json(200, { access_token: ACCESS, refresh_token: REFRESH, token_type: "bearer", expires_in: 3600 }), 0);
      expectNoLeak(`TokenSet ${profile.id}`, tokens);
      expect(serializeTokenSet(tokens)).toContain(ACCESS); // only the storage serializer writes values
      expectNoLeak("parsed TokenSet", parseTokenSet(serializeTokenSet(tokens)));
      expect(serializePendingAuthorization(pending)).toContain(pending.state);
    }
    expect(verifiers.length).toBeGreaterThan(0);
    const refresh = buildRefresh(mapillary, client, parseTokenResponse(json(200, { access_token: ACCESS, expires_in: 3600 }), { profile: mapillary, now: 0, kind: "user" }), { now: 0 });
    expectNoLeak("refresh TokenRequest", refresh);
    expectNoLeak("client credentials", buildClientCredentials(mapiq, client));
    const user = parseTokenResponse(json(200, { access_token: ACCESS }), { profile: mapillary, now: 0, kind: "user" });
    expectNoLeak("AuthorizedRequest graph", authorizeRequest(mapillary, user, { url: "https://graph.mapillary.com/me" }));
    expectNoLeak("AuthorizedRequest tiles", authorizeRequest(mapillary, user, { url: "https://tiles.mapillary.com/maps/vtp/mly1_public/2/0/0/0" }, { allowUserTokenInUrl: true }));
    expectNoLeak("AuthorizedRequest v2", authorizeRequest(mapillaryV2, user, { url: "https://a.mapillary.com/v2/me" }, { client }));
  });

  it("every token-endpoint error, even when the server echoes the secret, the code or the token, in any encoding", { timeout: 60_000 }, async () => {
    const calls: TokenRequest[] = [];
    for (const profile of [mapillary, mapillaryV2, basic, post]) calls.push((await exchange(profile)).call);
    const previous = parseTokenResponse(json(200, { access_token: ACCESS, refresh_token: REFRESH, expires_in: 3600 }), { profile: post, now: 0, kind: "user" });
    calls.push(buildRefresh(post, client, previous), buildRefresh(mapillary, client, previous, { now: 0 }), buildClientCredentials(mapiq, client));
    let errors = 0;
    for (const call of calls) {
      const sent = call.request.secrets().map((secret) => secret.reveal());
      expect(sent.length).toBeGreaterThan(0);
      for (const response of echoes(sent)) {
        const error = thrown(() => processTokenResponse(call, response, 0));
        expect(error).toBeInstanceOf(MlyError);
        expectNoLeak(`${(error as Error).name} for ${response.body.slice(0, 40)}`, error);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(1000);
    for (const response of echoes(SECRETS)) {
      expectNoLeak("parseErrorResponse", parseErrorResponse(response, { now: 0, secrets: [new Secret(ACCESS), new Secret(REFRESH), new Secret(CODE), new Secret(CLIENT_SECRET), new Secret(CLIENT_TOKEN), new Secret(IMPLICIT)] }));
    }
  });

  it("callback errors, including a token smuggled into the callback", async () => {
    const { pending } = await buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT });
    for (const query of [`code=${CODE}&access_token=${ACCESS}&state=${pending.state}`, `code=${CODE}&state=wrong`, `code=${CODE}`, `error=x&access_token=${ACCESS}&state=${pending.state}`]) {
      expectNoLeak(`callback ${query.slice(0, 20)}`, thrown(() => validateCallback(mapillary, pending, `${REDIRECT}?${query}`)));
    }
    expectNoLeak("wrong redirect", thrown(() => validateCallback(mapillary, pending, `https://evil.test/cb?code=${CODE}`)));
    const implicit = buildLegacyImplicitUrl(mapillaryV2, client, { redirectUri: REDIRECT, legacyImplicit: true }).pending;
    for (const query of [`access_token=${IMPLICIT}&token_type=mac&state=${implicit.state}`, `access_token=${IMPLICIT}&expires_in=soon&state=${implicit.state}`, `access_token=${IMPLICIT}&state=nope`]) {
      const fresh = { ...implicit };
      expectNoLeak(`implicit ${query.slice(0, 30)}`, thrown(() => validateLegacyImplicitCallback(mapillaryV2, fresh, `${REDIRECT}?${query}`)));
    }
    const second = buildLegacyImplicitUrl(mapillaryV2, client, { redirectUri: REDIRECT, legacyImplicit: true }).pending;
    const tokens = validateLegacyImplicitCallback(mapillaryV2, second, `${REDIRECT}?access_token=${IMPLICIT}&expires_in=never&state=${second.state}`);
    expectNoLeak("implicit TokenSet", tokens);
  });

  it("storage, configuration and coordinator errors", async () => {
    const stored = serializeTokenSet(parseTokenResponse(json(200, { access_token: ACCESS, refresh_token: REFRESH }), { profile: post, now: 0, kind: "user" }));
    for (const broken of [stored.replace('"v":1', '"v":9'), stored.replace('"scopes":[]', '"scopes":7'), stored.replace('"kind":"user"', '"kind":1'), stored.slice(0, 40)]) {
      expectNoLeak("StorageError", thrown(() => parseTokenSet(broken)));
    }
    expectNoLeak("ConfigError", thrown(() => buildClientCredentials(mapillary, client)));
    expectNoLeak("missing secret", thrown(() => buildCodeExchange(mapillary, createClient({ clientId: "1" }), {} as never)));
    const store = new MemoryTokenStore();
    await store.set("k", parseTokenResponse(json(200, { access_token: ACCESS, expires_in: 10 }), { profile: mapillary, now: Date.now(), kind: "user" }));
    const transport = new FakeTransport(() => json(400, { error: "invalid_grant", error_description: `token ${ACCESS} revoked, secret ${CLIENT_SECRET}` }));
    const coordinator = new RefreshCoordinator({ store, renew: createTokenRenewer({ profile: mapillary, client, transport }) });
    const error = await coordinator.getToken("k").then(() => expect.fail("expected a rejection"), (reason: unknown) => reason);
    expect(error).toBeInstanceOf(MlyError);
    expectNoLeak("LoginRequiredError with cause", error);
    expectNoLeak("MemoryTokenStore", store);
    expectNoLeak("RefreshCoordinator", coordinator);
  });

  it("telemetry events of the coordinator, whatever the token endpoint echoes", { timeout: 60_000 }, async () => {
    const events: MlyEvent[] = [];
    const responses = [...echoes(SECRETS), json(200, { access_token: ACCESS, refresh_token: REFRESH, expires_in: 3600 })];
    const transport = new FakeTransport((_request, index) => responses[index % responses.length]!);
    const store = new MemoryTokenStore();
    const coordinator = new RefreshCoordinator({ store, renew: createTokenRenewer({ profile: mapillary, client, transport }), onEvent: (event) => events.push(event) });
    const rounds = responses.length; // one getToken per scripted response
    for (let round = 0; round < rounds; round += 1) {
      // An expired token with a refresh token: every call renews.
      await store.set("k", parseTokenResponse(json(200, { access_token: ACCESS, refresh_token: REFRESH, expires_in: 1 }), { profile: mapillary, now: 0, kind: "user" }));
      await coordinator.getToken("k").catch(() => undefined);
    }
    expect(transport.requests.length).toBe(responses.length);
    expect(events.filter((event) => event.type === "refresh.failure").length).toBeGreaterThan(100);
    expect(events.filter((event) => event.type === "refresh.success").length).toBeGreaterThan(0);
    expectNoLeak("telemetry events", events);
  });
});
