import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createClient } from "./client.ts";
import { validateCallback } from "./callback.ts";
import { AuthorizationError, ConfigError, InvalidCallbackError, InvalidResponseError, StateMismatchError } from "./errors.ts";
import { buildAuthorizationUrl } from "./authorization_request.ts";
import { buildLegacyImplicitUrl, validateLegacyImplicitCallback, type LegacyImplicitOptions } from "./implicit.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { REDIRECT, caught, valueOrMlyError } from "./_test_util.ts";

const client = createClient({ clientId: "v2client" });
const start = (): ReturnType<typeof buildLegacyImplicitUrl> => buildLegacyImplicitUrl(mapillaryV2, client, { redirectUri: REDIRECT, scopes: ["user:read", "public:upload"], legacyImplicit: true, now: 0 });

describe("legacy implicit flow (Mapillary v2 only)", () => {
  it("is refused without legacyImplicit: true", () => {
    const options = { redirectUri: REDIRECT } as unknown as LegacyImplicitOptions;
    expect(caught(() => buildLegacyImplicitUrl(mapillaryV2, client, options))).toBeInstanceOf(ConfigError);
    expect(caught(() => buildLegacyImplicitUrl(mapillaryV2, client, { ...options, legacyImplicit: "yes" } as unknown as LegacyImplicitOptions))).toBeInstanceOf(ConfigError);
    expect(caught(() => buildLegacyImplicitUrl(mapillary, client, { redirectUri: REDIRECT, legacyImplicit: true }))).toBeInstanceOf(ConfigError);
  });

  it("builds response_type=token with %20-joined v2 scopes and no PKCE", () => {
    const { url, pending } = start();
    const params = new URL(url).searchParams;
    expect(params.get("response_type")).toBe("token");
    expect(url).toContain("scope=user%3Aread%20public%3Aupload");
    expect(params.has("code_challenge")).toBe(false);
    expect(pending.responseType).toBe("token");
  });

  it("reads the token from the QUERY string (the v2 quirk): bearer, never expires", () => {
    const { pending } = start();
    const tokens = validateLegacyImplicitCallback(mapillaryV2, pending, `${REDIRECT}?token_type=bearer&access_token=v2tok&expires_in=never&state=${pending.state}`, { now: 10 });
    expect(tokens.accessToken.reveal()).toBe("v2tok");
    expect(tokens).toMatchObject({ kind: "user", tokenType: "bearer", expiresAt: null, provider: "mapillary-v2", scopes: ["user:read", "public:upload"] });
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, pending, `${REDIRECT}?access_token=v2tok&state=${pending.state}`, { now: 10 }))).toBeInstanceOf(StateMismatchError);
  });

  it("also reads a standard fragment response", () => {
    const { pending } = start();
    expect(validateLegacyImplicitCallback(mapillaryV2, pending, `${REDIRECT}#access_token=frag&token_type=Bearer&expires_in=3600&state=${pending.state}`, { now: 0 }).expiresAt).toBe(3_600_000);
  });

  it("checks state, error, code and missing token; a code-flow login is refused, and vice versa", async () => {
    const a = start().pending;
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, a, `${REDIRECT}?access_token=t&state=wrong`, { now: 0 }))).toBeInstanceOf(StateMismatchError);
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, a, `${REDIRECT}?error=access_denied&state=${a.state}`, { now: 0 }))).toBeInstanceOf(AuthorizationError);
    const b = start().pending;
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, b, `${REDIRECT}?code=c&state=${b.state}`, { now: 0 }))).toBeInstanceOf(InvalidCallbackError);
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, b, `${REDIRECT}?state=${b.state}`, { now: 0 }))).toBeInstanceOf(InvalidResponseError);
    const code = (await buildAuthorizationUrl(mapillaryV2, client, { redirectUri: REDIRECT })).pending;
    expect(caught(() => validateLegacyImplicitCallback(mapillaryV2, code, `${REDIRECT}?access_token=t&state=${code.state}`))).toBeInstanceOf(InvalidCallbackError);
    const c = start().pending;
    expect(caught(() => validateCallback(mapillaryV2, c, `${REDIRECT}?code=x&state=${c.state}`, { now: 0 }))).toBeInstanceOf(InvalidCallbackError);
  });

  it("property: any callback → a TokenSet or an MlyError", () => {
    const { pending } = start();
    const param = fc.tuple(fc.constantFrom("access_token", "token_type", "expires_in", "state", "error", "code", "scope"), fc.oneof(fc.string(), fc.constant(pending.state), fc.constant("never")));
    fc.assert(
      fc.property(fc.array(param), fc.boolean(), (params, fragment) => {
        const query = new URLSearchParams(params).toString();
        valueOrMlyError(() => validateLegacyImplicitCallback(mapillaryV2, { ...pending }, `${REDIRECT}${fragment ? "#" : "?"}${query}`, { now: 0 }));
      }),
    );
  });
});
