import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildAuthorizationUrl, parsePendingAuthorization, serializePendingAuthorization, type PendingAuthorization } from "./authorization_request.ts";
import { createClient } from "./client.ts";
import { ConfigError, UnknownScopeError } from "./errors.ts";
import { mapillary, mapillaryProfile } from "./mapillary.ts";
import { mapiq } from "./mapiq.ts";
import { oauth2Profile } from "./oauth2.ts";
import { pkceChallenge } from "./pkce.ts";
import { Secret } from "./secret.ts";
import { REDIRECT, rejected, valueOrMlyError } from "./_test_util.ts";

const client = createClient({ clientId: "1234" });
const generic = oauth2Profile({ issuer: "https://as.test", authorizationEndpoint: "https://as.test/authorize", tokenEndpoint: "https://as.test/token" });

describe("buildAuthorizationUrl", () => {
  it("builds the Mapillary /connect URL with client_id, state, code, redirect_uri and %20-joined scopes, no PKCE by default", async () => {
    const { url, pending } = await buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT, scopes: ["read", "write"], now: 5 });
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe("https://www.mapillary.com/connect");
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ client_id: "1234", response_type: "code", redirect_uri: REDIRECT, scope: "read write", state: pending.state });
    expect(url).toContain("scope=read%20write");
    expect(pending).toMatchObject({ provider: "mapillary", redirectUri: REDIRECT, scopes: ["read", "write"], responseType: "code", createdAt: 5, codeVerifier: undefined });
    expect(pending.state).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  });

  it("sends PKCE S256 where the profile supports it (or when asked) and keeps the verifier", async () => {
    const { url, pending } = await buildAuthorizationUrl(generic, client, { redirectUri: REDIRECT });
    const params = new URL(url).searchParams;
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toBe(await pkceChallenge(pending.codeVerifier!.reveal()));
    const v4 = await buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT, pkce: true });
    expect(new URL(v4.url).searchParams.get("code_challenge_method")).toBe("S256");
    const off = await buildAuthorizationUrl(generic, client, { redirectUri: REDIRECT, pkce: false, extraParams: { code_challenge: "x", code_challenge_method: "plain" } });
    expect(new URL(off.url).searchParams.has("code_challenge")).toBe(false);
    expect(new URL(off.url).searchParams.has("code_challenge_method")).toBe(false);
  });

  it("a fresh state every time", async () => {
    const a = await buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT });
    const b = await buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT });
    expect(a.pending.state).not.toBe(b.pending.state);
  });

  it("extra params cannot override protocol parameters; no scope when none", async () => {
    const { url, pending } = await buildAuthorizationUrl(generic, client, {
      redirectUri: REDIRECT,
      extraParams: { prompt: "login", state: "attacker", client_id: "evil", redirect_uri: "https://evil.test", scope: "x" },
    });
    const params = new URL(url).searchParams;
    expect(params.get("prompt")).toBe("login");
    expect(params.get("state")).toBe(pending.state);
    expect(params.get("client_id")).toBe("1234");
    expect(params.get("redirect_uri")).toBe(REDIRECT);
    expect(params.has("scope")).toBe(false);
  });

  it("keeps '+' in the endpoint path; only query spaces become %20", async () => {
    const profile = mapillaryProfile({ authorizationEndpoint: "https://auth.test/a+b/connect" });
    const { url } = await buildAuthorizationUrl(profile, client, { redirectUri: REDIRECT, scopes: ["read", "upload"] });
    expect(url.startsWith("https://auth.test/a+b/connect?")).toBe(true);
    expect(url).toContain("scope=read%20upload");
  });

  it("refuses unknown scopes, unsafe redirect URIs and profiles without a code flow", async () => {
    expect(await rejected(buildAuthorizationUrl(mapillary, client, { redirectUri: REDIRECT, scopes: ["admin"] }))).toBeInstanceOf(UnknownScopeError);
    expect(await rejected(buildAuthorizationUrl(mapillary, client, { redirectUri: "http://evil.test/cb" }))).toBeInstanceOf(ConfigError);
    expect(await rejected(buildAuthorizationUrl(mapiq, client, { redirectUri: REDIRECT }))).toBeInstanceOf(ConfigError);
    const noEndpoint = oauth2Profile({ tokenEndpoint: "https://as.test/token" });
    expect(await rejected(buildAuthorizationUrl(noEndpoint, client, { redirectUri: REDIRECT }))).toBeInstanceOf(ConfigError);
  });
});

describe("PendingAuthorization serialization", () => {
  const pendings: fc.Arbitrary<PendingAuthorization> = fc.record({
    provider: fc.string(),
    state: fc.string(),
    codeVerifier: fc.option(fc.string().map((v) => new Secret(v)), { nil: undefined }),
    redirectUri: fc.string(),
    scopes: fc.array(fc.string()),
    responseType: fc.constantFrom("code" as const, "token" as const),
    createdAt: fc.integer(),
  });

  it("property: serialize ↔ parse round-trips exactly, verifier included", () => {
    fc.assert(
      fc.property(pendings, (pending) => {
        const copy = parsePendingAuthorization(serializePendingAuthorization(pending));
        expect({ ...copy, codeVerifier: copy.codeVerifier?.reveal() }).toEqual({ ...pending, codeVerifier: pending.codeVerifier?.reveal() });
      }),
    );
  });

  it("property: any text → a pending authorization or an MlyError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ v: fc.constant(1), provider: fc.jsonValue(), state: fc.jsonValue(), redirectUri: fc.jsonValue(), scopes: fc.jsonValue(), responseType: fc.jsonValue(), createdAt: fc.jsonValue(), codeVerifier: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v))), (text) => {
        valueOrMlyError(() => parsePendingAuthorization(text));
      }),
    );
    expect(() => parsePendingAuthorization("{}")).toThrow(ConfigError);
  });
});
