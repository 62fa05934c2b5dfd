import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyApiResponse, responseBodyMatters } from "./api_response.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";

const NOW = Date.parse("2025-01-01T00:00:00Z");
const sent = { now: NOW, tokenSent: true };
const graphError = (code: number): string => JSON.stringify({ error: { message: "m", type: "OAuthException", code } });

describe("classifyApiResponse", () => {
  it("a success is ok; over the x-app-usage threshold it is ok with a slow-down", () => {
    expect(classifyApiResponse(mapillary, { status: 200, headers: {}, body: "{}" }, sent)).toEqual({ kind: "ok", slowDown: undefined });
    const busy = classifyApiResponse(mapillary, { status: 200, headers: { "x-app-usage": '{"call_count":96}' }, body: "" }, sent);
    expect(busy.kind).toBe("ok");
    expect(busy.kind === "ok" ? busy.slowDown?.source : undefined).toBe("app-usage");
    expect(classifyApiResponse(mapillary, { status: 200, headers: { "x-app-usage": '{"call_count":96}' }, body: "" }, { ...sent, appUsageThreshold: 97 })).toEqual({ kind: "ok", slowDown: undefined });
  });

  it("every throttle shape is throttled, with its wait", () => {
    const cases: [Parameters<typeof classifyApiResponse>[0], number, Record<string, string>, string, number][] = [
      [mapiq, 429, { "retry-after": "3" }, "", 3000],
      [mapiq, 429, {}, '{"statusCode":429,"message":"Rate limit is exceeded. Try again in 289 seconds."}', 289_000],
      [mapiq, 403, { "retry-after": "60" }, '{"statusCode":403,"message":"Out of call volume quota."}', 60_000],
      [mapillary, 403, {}, graphError(4), 60_000],
      [mapillary, 400, {}, graphError(613), 60_000],
    ];
    for (const [profile, status, headers, body, waitMs] of cases) {
      const verdict = classifyApiResponse(profile, { status, headers, body }, sent);
      expect(verdict.kind, `${status} ${body}`).toBe("throttled");
      expect(verdict.kind === "throttled" ? verdict.error.retryAfterMs : undefined).toBe(waitMs);
    }
  });

  it("a rejected token: 401 on every API, Graph code 190 on a Graph API only, never when no token was sent", () => {
    for (const profile of [mapillary, mapillaryV2, mapiq]) expect(classifyApiResponse(profile, { status: 401, headers: {}, body: "" }, sent).kind).toBe("token_rejected");
    expect(classifyApiResponse(mapillary, { status: 400, headers: {}, body: graphError(190) }, sent).kind).toBe("token_rejected");
    expect(classifyApiResponse(mapillary, { status: 403, headers: {}, body: graphError(190) }, sent).kind).toBe("token_rejected");
    expect(classifyApiResponse(mapiq, { status: 403, headers: {}, body: graphError(190) }, sent).kind).toBe("failed");
    expect(classifyApiResponse(mapillary, { status: 400, headers: {}, body: '"code": 190 in a text that is no Graph error' }, sent).kind).toBe("failed");
    expect(classifyApiResponse(mapillaryV2, { status: 401, headers: {}, body: "" }, { now: NOW, tokenSent: false }).kind).toBe("failed");
  });

  it("a throttle wins over a rejected token; other errors are failed", () => {
    expect(classifyApiResponse(mapillary, { status: 429, headers: {}, body: graphError(190) }, sent).kind).toBe("throttled");
    for (const status of [400, 403, 404, 500, 503]) expect(classifyApiResponse(mapillary, { status, headers: {}, body: graphError(100) }, sent).kind).toBe("failed");
  });

  it("property: any status, headers and body → one of the four verdicts, never a throw", () => {
    const profiles = [mapillary, mapillaryV2, mapiq];
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.dictionary(fc.constantFrom("retry-after", "x-app-usage", "content-type"), fc.string()),
        fc.oneof(fc.string(), fc.json()),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (status, headers, body, which, tokenSent) => {
          const verdict = classifyApiResponse(profiles[which]!, { status, headers, body }, { now: NOW, tokenSent });
          expect(["ok", "token_rejected", "throttled", "failed"]).toContain(verdict.kind);
          if (verdict.kind === "ok") expect(status >= 200 && status < 300).toBe(true);
          if (verdict.kind === "token_rejected") expect(tokenSent).toBe(true);
        },
      ),
    );
  });
});

describe("responseBodyMatters", () => {
  it("for the statuses whose body can change the verdict", () => {
    expect([200, 204, 301, 400, 401, 403, 404, 429, 500].filter(responseBodyMatters)).toEqual([400, 401, 403, 429]);
  });
});
