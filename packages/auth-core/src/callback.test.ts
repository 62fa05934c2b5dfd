import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildAuthorizationUrl, type PendingAuthorization } from "./authorization_request.ts";
import { ValidatedCallback, validateCallback } from "./callback.ts";
import { createClient } from "./client.ts";
import { AuthorizationError, InvalidCallbackError, StateMismatchError } from "./errors.ts";
import { buildLegacyImplicitUrl } from "./implicit.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { oauth2Profile } from "./oauth2.ts";
import { REDIRECT, caught, valueOrMlyError } from "./_test_util.ts";

const client = createClient({ clientId: "1234" });
const NOW = 1_000_000;
const start = async (profile = mapillary): Promise<PendingAuthorization> =>
  (await buildAuthorizationUrl(profile, client, { redirectUri: REDIRECT, now: NOW })).pending;
const at = { now: NOW + 1000 };
const issuerProfile = oauth2Profile({ issuer: "https://as.test", authorizationEndpoint: "https://as.test/a", tokenEndpoint: "https://as.test/t" });
const strictIssuer = oauth2Profile({ issuer: "https://as.test", requireIssuerInCallback: true, authorizationEndpoint: "https://as.test/a", tokenEndpoint: "https://as.test/t" });

describe("validateCallback", () => {
  it("returns a ValidatedCallback holding the code as a Secret", async () => {
    const pending = await start();
    const callback = validateCallback(mapillary, pending, `${REDIRECT}?code=the-code&state=${pending.state}`, at);
    expect(callback).toBeInstanceOf(ValidatedCallback);
    expect(ValidatedCallback.is(callback)).toBe(true);
    expect(callback.code.reveal()).toBe("the-code");
    expect(callback.pending).toBe(pending);
    expect(callback.issuer).toBeUndefined();
  });

  it("accepts URL and URLSearchParams inputs", async () => {
    const p1 = await start();
    expect(validateCallback(mapillary, p1, new URL(`${REDIRECT}?code=c&state=${p1.state}`), at).code.reveal()).toBe("c");
    const p2 = await start();
    expect(validateCallback(mapillary, p2, new URLSearchParams({ code: "c", state: p2.state }), at).code.reveal()).toBe("c");
  });

  it("only the validator can make a ValidatedCallback", () => {
    expect(() => new (ValidatedCallback as unknown as new (...args: unknown[]) => unknown)(Symbol("ValidatedCallback"), null, null, undefined)).toThrow(TypeError);
    expect(ValidatedCallback.is({ code: "x", pending: {} })).toBe(false);
    expect(ValidatedCallback.is(null)).toBe(false);
  });

  it("state must match exactly (missing, different, case, duplicated)", async () => {
    const pending = await start();
    for (const query of ["code=c", `code=c&state=${pending.state}x`, `code=c&state=${pending.state.toUpperCase()}`, `code=c&state=${pending.state}&state=${pending.state}`, "code=c&state="]) {
      expect(caught(() => validateCallback(mapillary, pending, `${REDIRECT}?${query}`, at)), query).toBeInstanceOf(StateMismatchError);
    }
  });

  it("state is single-use: a replayed callback is refused", async () => {
    const pending = await start();
    const url = `${REDIRECT}?code=c&state=${pending.state}`;
    validateCallback(mapillary, pending, url, at);
    expect(caught(() => validateCallback(mapillary, pending, url, at))).toBeInstanceOf(StateMismatchError);
    expect(caught(() => validateCallback(mapillary, { ...pending }, url, at))).toBeInstanceOf(StateMismatchError);
  });

  it("error parameter → AuthorizationError (and the login is used up)", async () => {
    const pending = await start();
    const error = caught(() => validateCallback(mapillary, pending, `${REDIRECT}?error=user_denied&error_description=No%0Athanks&state=${pending.state}`, at));
    expect(error).toBeInstanceOf(AuthorizationError);
    expect((error as AuthorizationError).error).toBe("user_denied");
    expect((error as AuthorizationError).errorDescription).toBe("No thanks");
    expect(caught(() => validateCallback(mapillary, pending, `${REDIRECT}?code=c&state=${pending.state}`, at))).toBeInstanceOf(StateMismatchError);
    const p2 = await start();
    expect((caught(() => validateCallback(mapillary, p2, `${REDIRECT}?error=server_error&state=${p2.state}`, at)) as AuthorizationError).errorDescription).toBeUndefined();
  });

  it("iss: mismatch refused, matching accepted, missing refused when the profile requires it (RFC 9207)", async () => {
    const p1 = await start(issuerProfile);
    expect(caught(() => validateCallback(issuerProfile, p1, `${REDIRECT}?code=c&state=${p1.state}&iss=https%3A%2F%2Fevil.test`, at))).toBeInstanceOf(InvalidCallbackError);
    expect(caught(() => validateCallback(issuerProfile, p1, `${REDIRECT}?code=c&state=${p1.state}&iss=https%3A%2F%2Fas.test&iss=https%3A%2F%2Fas.test`, at))).toBeInstanceOf(InvalidCallbackError);
    expect(validateCallback(issuerProfile, p1, `${REDIRECT}?code=c&state=${p1.state}&iss=https%3A%2F%2Fas.test`, at).issuer).toBe("https://as.test");
    const p2 = await start(strictIssuer);
    expect(caught(() => validateCallback(strictIssuer, p2, `${REDIRECT}?code=c&state=${p2.state}`, at))).toBeInstanceOf(InvalidCallbackError);
    const p3 = await start(issuerProfile);
    expect(validateCallback(issuerProfile, p3, `${REDIRECT}?code=c&state=${p3.state}`, at).issuer).toBeUndefined();
  });

  it("a token in the callback (query or fragment) is refused", async () => {
    const pending = await start();
    for (const query of [`?code=c&access_token=t&state=${pending.state}`, `?code=c&state=${pending.state}#access_token=t`, `?code=c&id_token=t&state=${pending.state}`, `?state=${pending.state}#refresh_token=t&code=c`]) {
      expect(caught(() => validateCallback(mapillary, pending, `${REDIRECT}${query}`, at)), query).toBeInstanceOf(InvalidCallbackError);
    }
  });

  it("wrong redirect URL, non-URL, missing code, expired login, wrong profile, implicit login are refused", async () => {
    const pending = await start();
    for (const url of [`http://127.0.0.1:8766/callback?code=c&state=${pending.state}`, `http://127.0.0.1:8765/other?code=c&state=${pending.state}`, `https://127.0.0.1:8765/callback?code=c&state=${pending.state}`, "not a url", `${REDIRECT}?state=${pending.state}`, `${REDIRECT}?code=&state=${pending.state}`]) {
      expect(caught(() => validateCallback(mapillary, pending, url, at)), url).toBeInstanceOf(InvalidCallbackError);
    }
    expect(caught(() => validateCallback(mapillary, pending, `${REDIRECT}?code=c&state=${pending.state}`, { now: NOW + 600_001 }))).toBeInstanceOf(InvalidCallbackError);
    expect(caught(() => validateCallback(issuerProfile, pending, `${REDIRECT}?code=c&state=${pending.state}`, at))).toBeInstanceOf(InvalidCallbackError);
    const implicit = buildLegacyImplicitUrl(mapillaryV2, client, { redirectUri: REDIRECT, legacyImplicit: true }).pending;
    expect(caught(() => validateCallback(mapillaryV2, implicit, `${REDIRECT}?code=c&state=${implicit.state}`, at))).toBeInstanceOf(InvalidCallbackError);
    const broken = { ...(await start()), redirectUri: "not a url" };
    expect(caught(() => validateCallback(mapillary, broken, `${REDIRECT}?code=c&state=${broken.state}`, at))).toBeInstanceOf(InvalidCallbackError);
  });

  it("property: any callback → a ValidatedCallback or an MlyError", async () => {
    const pending = await start();
    const param = fc.tuple(fc.constantFrom("code", "state", "iss", "error", "error_description", "access_token", "x"), fc.oneof(fc.string(), fc.constant(pending.state)));
    fc.assert(
      fc.property(fc.array(param), fc.oneof(fc.constant(REDIRECT), fc.string(), fc.webUrl()), fc.boolean(), (params, base, asParams) => {
        const search = new URLSearchParams(params);
        const fresh = { ...pending };
        valueOrMlyError(() => validateCallback(mapillary, fresh, asParams ? search : `${base}?${search.toString()}`, at));
        valueOrMlyError(() => validateCallback(strictIssuer, { ...pending, provider: "oauth2" }, `${base}?${search.toString()}`, at));
      }),
    );
  });
});

describe("validateCallback with a private-use scheme", () => {
  it("accepts the app's own scheme and refuses another app's", async () => {
    const appRedirect = "com.example.app:/oauth/callback";
    const pending = (await buildAuthorizationUrl(mapillary, client, { redirectUri: appRedirect, now: NOW })).pending;
    expect(caught(() => validateCallback(mapillary, pending, `evil.other:/oauth/callback?code=c&state=${pending.state}`, at))).toBeInstanceOf(InvalidCallbackError);
    expect(validateCallback(mapillary, pending, `${appRedirect}?code=c&state=${pending.state}`, at).code.reveal()).toBe("c");
  });
});
