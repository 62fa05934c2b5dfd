import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphApiError, InvalidResponseError, OAuthError, RateLimitedError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";
import { Secret } from "./secret.ts";
import { parseTokenResponse, type TokenResponseContext } from "./token_response.ts";
import type { TokenSet } from "./token_set.ts";
import { caught, json, tokenSet, valueOrMlyError } from "./_test_util.ts";

const NOW = 1_700_000_000_000;
const v4: TokenResponseContext = { profile: mapillary, now: NOW, kind: "user", requestedScopes: ["read"] };
const mq: TokenResponseContext = { profile: mapiq, now: NOW, kind: "client_app" };

describe("parseTokenResponse", () => {
  it("reads a Mapillary v4 response (60-day token, lower-case bearer)", () => {
    const t = parseTokenResponse(json(200, { access_token: "MLYARtok", expires_in: 5_184_000, token_type: "bearer" }), v4);
    expect(t.accessToken.reveal()).toBe("MLYARtok");
    expect(t).toMatchObject({ kind: "user", tokenType: "bearer", issuedAt: NOW, expiresAt: NOW + 5_184_000_000, scopes: ["read"], provider: "mapillary", refreshToken: undefined });
    expect(Object.isFrozen(t)).toBe(true);
  });

  it("accepts numbers as numeric strings, prefers expires_on, reads not_before (Mapiq / Azure AD v1)", () => {
    const t = parseTokenResponse(
      json(200, { access_token: "eyJ", token_type: "Bearer", expires_in: "3599", expires_on: "1700003000", not_before: "1699999000", resource: "r" }),
      mq,
    );
    expect(t.expiresAt).toBe(1_700_003_000_000);
    expect(t.notBefore).toBe(1_699_999_000_000);
    expect(t.tokenType).toBe("bearer");
    const onlyIn = parseTokenResponse(json(200, { access_token: "a", token_type: "BEARER", expires_in: "3599" }), mq);
    expect(onlyIn.expiresAt).toBe(NOW + 3_599_000);
  });

  it("expires_in 'never' means no expiry; a missing expires_in uses the profile default", () => {
    expect(parseTokenResponse(json(200, { access_token: "a", expires_in: "never" }), { ...v4, profile: mapillaryV2 }).expiresAt).toBeNull();
    expect(parseTokenResponse(json(200, { access_token: "a" }), v4).expiresAt).toBeNull();
    expect(parseTokenResponse(json(200, { access_token: "a", expires_in: null }), mq).expiresAt).toBe(NOW + 3_600_000);
  });

  it("token_type in any case; a non-bearer type is refused", () => {
    for (const type of ["bearer", "Bearer", "BEARER", "bEaReR"]) {
      expect(parseTokenResponse(json(200, { access_token: "a", token_type: type }), v4).tokenType).toBe("bearer");
    }
    expect(caught(() => parseTokenResponse(json(200, { access_token: "a", token_type: "mac" }), v4))).toBeInstanceOf(InvalidResponseError);
  });

  it("a refresh response without refresh_token keeps the old one, subject and scopes", () => {
    const previous = tokenSet({ refreshToken: new Secret("old-refresh"), subject: "alice", scopes: ["read", "write"] });
    const t = parseTokenResponse(json(200, { access_token: "new", expires_in: 60 }), { profile: mapillary, now: NOW, kind: "user", previous });
    expect(t.refreshToken?.reveal()).toBe("old-refresh");
    expect(t.subject).toBe("alice");
    expect(t.scopes).toEqual(["read", "write"]);
    const rotated = parseTokenResponse(json(200, { access_token: "new", refresh_token: "rotated", scope: "read" }), { profile: mapillary, now: NOW, kind: "user", previous });
    expect(rotated.refreshToken?.reveal()).toBe("rotated");
    expect(rotated.scopes).toEqual(["read"]);
  });

  it("keeps the documented fields a server adds: Mapiq's resource and the granted scope", () => {
    const t = parseTokenResponse(
      json(200, { access_token: "eyJ", token_type: "Bearer", expires_in: "3599", resource: "https://api.mapiq.com", scope: "https://api.mapiq.com/public/.default" }),
      mq,
    );
    expect(t.resource).toBe("https://api.mapiq.com");
    expect(t.scopes).toEqual(["https://api.mapiq.com/public/.default"]);
    // A renewal whose response has no resource keeps the one it had; a field of another type is ignored.
    expect(parseTokenResponse(json(200, { access_token: "new" }), { ...mq, previous: t }).resource).toBe("https://api.mapiq.com");
    expect(parseTokenResponse(json(200, { access_token: "a", resource: 5 }), mq).resource).toBeUndefined();
    expect(parseTokenResponse(json(200, { access_token: "a" }), v4).resource).toBeUndefined();
  });

  it("reads user_id as the subject", () => {
    expect(parseTokenResponse(json(200, { access_token: "a", user_id: "42" }), v4).subject).toBe("42");
  });

  it("rejects malformed bodies with InvalidResponseError", () => {
    const bad: unknown[] = [
      "not json",
      [1],
      {},
      { access_token: "" },
      { access_token: 5 },
      { access_token: "a", token_type: 1 },
      { access_token: "a", refresh_token: 1 },
      { access_token: "a", refresh_token: "" },
      { access_token: "a", scope: 1 },
      { access_token: "a", expires_in: "soon" },
      { access_token: "a", expires_in: -1 },
      { access_token: "a", expires_on: "x" },
      { access_token: "a", not_before: true },
      { access_token: "a", expires_in: 1e308 },
      { access_token: "a", not_before: 1e308 },
    ];
    for (const body of bad) {
      const response = typeof body === "string" ? { status: 200, headers: {}, body } : json(200, body);
      expect(caught(() => parseTokenResponse(response, v4))).toBeInstanceOf(InvalidResponseError);
    }
  });

  it("turns error statuses and error bodies into typed errors", () => {
    expect(caught(() => parseTokenResponse(json(400, { error: "invalid_grant" }), v4))).toBeInstanceOf(OAuthError);
    expect(caught(() => parseTokenResponse(json(200, { error: "invalid_grant" }), v4))).toBeInstanceOf(OAuthError);
    expect(caught(() => parseTokenResponse(json(200, { error: { message: "m", code: 190 } }), v4))).toBeInstanceOf(GraphApiError);
    expect(caught(() => parseTokenResponse(json(429, { statusCode: 429, message: "Try again in 5 seconds." }), mq))).toBeInstanceOf(RateLimitedError);
  });

  it("property: any response → a TokenSet or an MlyError", () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record(
        {
          access_token: fc.oneof(fc.string(), fc.anything()),
          token_type: fc.oneof(fc.constantFrom("bearer", "Bearer"), fc.anything()),
          expires_in: fc.oneof(fc.integer(), fc.double(), fc.constant("never"), fc.string(), fc.anything()),
          expires_on: fc.oneof(fc.integer(), fc.string(), fc.anything()),
          not_before: fc.oneof(fc.integer(), fc.string(), fc.anything()),
          refresh_token: fc.anything(),
          scope: fc.oneof(fc.string(), fc.anything()),
          error: fc.anything(),
        },
        { requiredKeys: [] },
      ).map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), bodies, fc.dictionary(fc.constantFrom("retry-after", "x-app-usage", "x"), fc.string()), (status, body, headers) => {
        valueOrMlyError(() => parseTokenResponse({ status, headers, body }, v4));
        valueOrMlyError(() => parseTokenResponse({ status: 200, headers, body }, mq));
      }),
    );
  });
});

describe("parseTokenResponse date ranges", () => {
  it("refuses expiry and not_before values that are not dates", () => {
    const context: TokenResponseContext = { profile: mapiq, now: 1_700_000_000_000, kind: "client_app" };
    for (const body of [{ not_before: "99999999999999" }, { expires_on: 1e13 }, { expires_in: 9e12 }]) {
      const error = caught(() => parseTokenResponse(json(200, { access_token: "t", token_type: "Bearer", ...body }), context));
      expect(error).toBeInstanceOf(InvalidResponseError);
    }
  });
});

describe("parseTokenResponse hostile token values", () => {
  const visible = /^[\x21-\x7e]+$/;
  const hostile = ["a\u0000b", "tok\r\nx-evil: 1", "tok\nen", "two words", "tök", "tab\there", "\u007fdel", " lead"];

  it("refuses an access_token or refresh_token outside visible ASCII, never quoting it", () => {
    for (const value of hostile) {
      for (const body of [{ access_token: value }, { access_token: "ok", refresh_token: value }]) {
        const error = caught(() => parseTokenResponse(json(200, { token_type: "bearer", ...body }), v4));
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect((error as Error).message).toMatch(/(access|refresh)_token has characters outside visible ASCII/);
        expect(JSON.stringify(error) + (error as Error).message + String((error as Error).stack)).not.toContain(value.trim());
      }
    }
    // Mapillary's `MLY|…|…` tokens and RFC 6750 b64token values are visible ASCII.
    expect(parseTokenResponse(json(200, { access_token: "MLY|1234|abc", refresh_token: "a-b.c_d~e+f/g==" }), v4).refreshToken?.reveal()).toBe("a-b.c_d~e+f/g==");
  });

  it("property: a token is accepted exactly when it is non-empty visible ASCII", () => {
    const refusedMessage = (field: "access_token" | "refresh_token"): string => {
      const body = field === "access_token" ? { access_token: "\u0007" } : { access_token: "ok", refresh_token: "\u0007" };
      return (caught(() => parseTokenResponse(json(200, body), mq)) as Error).message;
    };
    const tokens = fc.oneof(fc.string({ unit: "binary-ascii", minLength: 1 }), fc.string({ unit: "grapheme", minLength: 1 }), fc.stringMatching(/^[\x21-\x7e]+$/));
    fc.assert(
      fc.property(tokens, fc.constantFrom("access_token", "refresh_token"), (token, field) => {
        const body = field === "access_token" ? { access_token: token } : { access_token: "ok", refresh_token: token };
        let parsed: TokenSet | undefined;
        let error: unknown;
        try {
          parsed = parseTokenResponse(json(200, body), mq);
        } catch (caughtError) {
          error = caughtError;
        }
        if (visible.test(token)) {
          expect(error).toBeUndefined();
          expect((field === "access_token" ? parsed?.accessToken : parsed?.refreshToken)?.reveal()).toBe(token);
        } else {
          expect(error).toBeInstanceOf(InvalidResponseError);
          // The message never depends on the token (so it cannot carry it): it is the one given
          // for any refused value of that field. (A bare "not toContain(token)" fails by chance
          // for a token like " " that any English sentence contains.)
          expect((error as Error).message).toBe(refusedMessage(field));
        }
      }),
    );
  });
});
