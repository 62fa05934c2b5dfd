import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseErrorResponse } from "./api_error.ts";
import { GraphApiError, HttpError, MapillaryV2Error, MapiqApiError, MlyError, OAuthError, RateLimitedError } from "./errors.ts";
import { Secret } from "./secret.ts";
import { json } from "./_test_util.ts";

const now = 0;

describe("parseErrorResponse", () => {
  it("RFC 6749 §5.2 → OAuthError with description and uri", () => {
    const error = parseErrorResponse(json(400, { error: "invalid_grant", error_description: "expired", error_uri: "https://x" }), { now });
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: "invalid_grant", errorDescription: "expired", errorUri: "https://x", status: 400, code: "oauth_error" });
  });

  it("Graph shape → GraphApiError with all fields (code 190 on 401)", () => {
    const error = parseErrorResponse(
      json(401, { error: { message: "Invalid OAuth access token", type: "OAuthException", code: 190, error_subcode: 463, is_transient: false, fbtrace_id: "AbC" } }),
      { now },
    );
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ graphCode: 190, type: "OAuthException", subcode: 463, isTransient: false, fbtraceId: "AbC", status: 401 });
    expect(parseErrorResponse(json(400, { error: {} }), { now })).toHaveProperty("graphCode", undefined);
  });

  it("APIM shape → MapiqApiError; v2 shape → MapillaryV2Error; else HttpError", () => {
    expect(parseErrorResponse(json(404, { statusCode: 404, message: "Resource not found" }), { now })).toMatchObject({ statusCode: 404, serverMessage: "Resource not found" });
    expect(parseErrorResponse(json(404, { statusCode: 404, message: "x" }), { now })).toBeInstanceOf(MapiqApiError);
    const v2 = parseErrorResponse(json(401, { code: "client_id_invalid", message: "bad client" }), { now });
    expect(v2).toBeInstanceOf(MapillaryV2Error);
    expect(v2).toHaveProperty("errorCode", "client_id_invalid");
    for (const body of ["<html>", "", "[]", '{"error":""}', '{"message":"m"}']) {
      const error = parseErrorResponse({ status: 502, headers: {}, body }, { now });
      expect(error, body).toBeInstanceOf(HttpError);
      expect(error.status).toBe(502);
    }
    expect(parseErrorResponse({ status: 302, headers: {}, body: "" }, { now }).message).toMatch(/redirects not followed/i);
  });

  it("throttles win over the body shape", () => {
    expect(parseErrorResponse(json(429, { statusCode: 429, message: "Rate limit is exceeded. Try again in 289 seconds." }), { now })).toMatchObject({ retryAfterMs: 289_000, source: "message" });
    expect(parseErrorResponse(json(403, { error: { message: "Application request limit reached", type: "MLYApiException", is_transient: true, code: 4 } }), { now })).toBeInstanceOf(RateLimitedError);
    expect(parseErrorResponse({ status: 429, headers: {}, body: "" }, { now, defaultWaitMs: 5000 })).toMatchObject({ retryAfterMs: 5000 });
  });

  it("scrubs the request's secrets (raw, percent- and form-encoded) and control characters from server text", () => {
    const secrets = [new Secret("MLY|1|s e c r e t"), new Secret("code-abc")];
    const error = parseErrorResponse(
      json(400, { error: "invalid_grant", error_description: "got MLY|1|s e c r e t, MLY%7C1%7Cs%20e%20c%20r%20e%20t, MLY%7C1%7Cs+e+c+r+e+t and code-abc\r\nFAKE LOG LINE" }),
      { now, secrets },
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as unknown as OAuthError).errorDescription).toBe("got [redacted], [redacted], [redacted] and [redacted] FAKE LOG LINE");
    // Lower-case escapes, URLSearchParams' own encoding (`!'()~` differ from encodeURIComponent), C1 and line separators.
    const odd = [new Secret("ab!c'(d)~e|f")];
    const echoed = new URLSearchParams({ v: "ab!c'(d)~e|f" }).toString().slice(2);
    const error2 = parseErrorResponse(
      json(400, { error: "invalid_grant", error_description: `a ${echoed} b ${encodeURIComponent("ab!c'(d)~e|f").toLowerCase()} c\u0085\u2028d` }),
      { now, secrets: odd },
    ) as unknown as OAuthError;
    expect(error2.errorDescription).toBe("a [redacted] b [redacted] c d");
    const long = parseErrorResponse(json(400, { error: "x", error_description: "a".repeat(2000) }), { now }) as unknown as OAuthError;
    expect(long.errorDescription!.length).toBeLessThanOrEqual(501);
  });

  it("property: any response → an MlyError, never a throw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.oneof(fc.string(), fc.json(), fc.anything().map((v) => [JSON.stringify(v)].join(""))), fc.dictionary(fc.constantFrom("retry-after", "x-app-usage", "Retry-After"), fc.string()), (status, body, headers) => {
        expect(parseErrorResponse({ status, headers, body }, { now, secrets: [new Secret("abcd")] })).toBeInstanceOf(MlyError);
      }),
    );
  });
});
