import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RateLimitedError } from "./errors.ts";
import { GRAPH_THROTTLE_CODES } from "./errors.ts";
import { detectRateLimit, parseAppUsage, parseRetryAfter, parseTryAgainMessage } from "./rate_limit_signal.ts";
import { json, valueOrMlyError } from "./_test_util.ts";

const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", NOW)).toBe(0);
  });
  it("ignores absent, malformed and absurd values", () => {
    for (const value of [undefined, "", "-1", "1.5", "soon", "12abc", "9".repeat(400)]) expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
  });
  it("property: any string → a finite non-negative number or undefined", () => {
    fc.assert(fc.property(fc.string(), fc.integer(), (value, now) => {
      const ms = parseRetryAfter(value, now);
      if (ms !== undefined) { expect(Number.isFinite(ms)).toBe(true); expect(ms).toBeGreaterThanOrEqual(0); }
    }));
  });
});

describe("parseTryAgainMessage / parseAppUsage", () => {
  it("reads the APIM message", () => {
    expect(parseTryAgainMessage("Rate limit is exceeded. Try again in 289 seconds.")).toBe(289_000);
    expect(parseTryAgainMessage("try again in 1 second")).toBe(1000);
    expect(parseTryAgainMessage("Slow down")).toBeUndefined();
  });
  it("reads the highest x-app-usage percentage", () => {
    expect(parseAppUsage('{"call_count":12,"total_cputime":3,"total_time":96}')).toBe(96);
    expect(parseAppUsage('{"call_volume":"97"}')).toBe(97);
    for (const value of [undefined, "", "nope", "[1]", "{}"]) expect(parseAppUsage(value)).toBeUndefined();
  });
  it("property: any string → a number or undefined", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (value) => {
      const usage = parseAppUsage(value);
      expect(usage === undefined || Number.isFinite(usage)).toBe(true);
      const wait = parseTryAgainMessage(value);
      expect(wait === undefined || Number.isFinite(wait)).toBe(true);
    }));
  });
});

describe("detectRateLimit", () => {
  it("429 + Retry-After seconds or HTTP date", () => {
    expect(detectRateLimit({ status: 429, headers: { "Retry-After": "3" }, body: "" }, { now: NOW })).toMatchObject({ retryAfterMs: 3000, source: "retry-after", status: 429 });
    expect(detectRateLimit({ status: 429, headers: new Headers({ "retry-after": "Wed, 01 Jan 2025 00:01:00 GMT" }), body: "" }, { now: NOW })?.retryAfterMs).toBe(60_000);
  });

  it("APIM 'Try again in N seconds' message (Retry-After unreadable cross-origin)", () => {
    const limited = detectRateLimit(json(429, { statusCode: 429, message: "Rate limit is exceeded. Try again in 289 seconds." }), { now: NOW });
    expect(limited).toMatchObject({ retryAfterMs: 289_000, source: "message" });
  });

  it("upload 429 with backoff ms; 429 without a wait → the default", () => {
    expect(detectRateLimit(json(429, { backoff: 1500 }), { now: NOW })).toMatchObject({ retryAfterMs: 1500, source: "backoff" });
    expect(detectRateLimit({ status: 429, headers: {}, body: "" }, { now: NOW })?.retryAfterMs).toBe(60_000);
    expect(detectRateLimit(json(429, { message: "x" }), { now: NOW, defaultWaitMs: 7 })?.retryAfterMs).toBe(7);
  });

  it("Graph 403 with code 4, 17 or 613 (and 400 from other Graph APIs); not code 190 or 100", () => {
    expect(GRAPH_THROTTLE_CODES).toEqual([4, 17, 613]);
    for (const code of [4, 17, 613, "4"]) {
      const limited = detectRateLimit(json(403, { error: { message: "Application request limit reached", type: "MLYApiException", is_transient: true, code } }), { now: NOW });
      expect(limited).toBeInstanceOf(RateLimitedError);
      expect(limited?.source).toBe("graph-code");
    }
    expect(detectRateLimit(json(400, { error: { code: 17 } }), { now: NOW })).toBeInstanceOf(RateLimitedError);
    expect(detectRateLimit(json(403, { error: { code: 4 } }, { "retry-after": "9" }), { now: NOW })).toMatchObject({ retryAfterMs: 9000, source: "retry-after" });
    expect(detectRateLimit(json(401, { error: { code: 190 } }), { now: NOW })).toBeUndefined();
    expect(detectRateLimit(json(400, { error: { code: 100 } }), { now: NOW })).toBeUndefined();
  });

  it("APIM quota: 403 + Retry-After; a plain 403 is not a throttle", () => {
    expect(detectRateLimit(json(403, { statusCode: 403, message: "Out of call volume quota." }, { "retry-after": "3600" }), { now: NOW })).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(detectRateLimit({ status: 403, headers: { "retry-after": "5" }, body: "quota" }, { now: NOW })?.retryAfterMs).toBe(5000);
    expect(detectRateLimit(json(403, { statusCode: 403, message: "Forbidden" }), { now: NOW })).toBeUndefined();
  });

  it("x-app-usage at or above the threshold (default 95 %)", () => {
    expect(detectRateLimit({ status: 200, headers: { "x-app-usage": '{"call_count":95}' }, body: "" }, { now: NOW })).toMatchObject({ source: "app-usage", retryAfterMs: 60_000 });
    expect(detectRateLimit({ status: 200, headers: { "x-app-usage": '{"call_count":94}' }, body: "" }, { now: NOW })).toBeUndefined();
    expect(detectRateLimit({ status: 200, headers: { "x-app-usage": '{"call_count":80}' }, body: "" }, { now: NOW, appUsageThreshold: 80 })).toBeInstanceOf(RateLimitedError);
    expect(detectRateLimit({ status: 200, headers: {}, body: "" }, { now: NOW })).toBeUndefined();
  });

  it("property: any response → a RateLimitedError or undefined", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.json()), fc.dictionary(fc.constantFrom("retry-after", "x-app-usage"), fc.oneof(fc.string(), fc.json())), (status, body, headers) => {
        valueOrMlyError(() => {
          const result = detectRateLimit({ status, headers, body }, { now: NOW });
          expect(result === undefined || result instanceof RateLimitedError).toBe(true);
          if (result) expect(Number.isFinite(result.retryAfterMs)).toBe(true);
        });
      }),
    );
  });
});

describe("parseRetryAfter caps", () => {
  it("caps a wait at the longest timer a runtime can arm (~24.8 days)", () => {
    expect(parseRetryAfter("99999999", 0)).toBe(2_147_483_647);
    expect(parseRetryAfter("120", 0)).toBe(120_000);
  });
});
