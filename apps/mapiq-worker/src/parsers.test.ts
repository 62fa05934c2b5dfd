import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseWorkerConfig } from "./config.ts";
import { quotaReport } from "./quota.ts";
import { emptyStats, formatLiveLine, sumStats } from "./stats.ts";

describe("parseWorkerConfig", () => {
  it("accepts the leading `--` that `pnpm --filter @mly/mapiq-worker start -- --sandbox` passes on", () => {
    expect(parseWorkerConfig(["--", "--sandbox", "--workers", "2"], {})).toMatchObject({ sandbox: true, workers: 2 });
    expect(() => parseWorkerConfig(["--sandbox", "--", "--workers"], {})).toThrow(/Unexpected argument/);
  });

  it("has Mapiq's limit by default and the scaled one with --sandbox", () => {
    expect(parseWorkerConfig([], {})).toMatchObject({ workers: 4, durationS: 30, limit: 20, windowMs: 60_000, redisUrl: "redis://127.0.0.1:6379" });
    expect(parseWorkerConfig(["--sandbox"], { REDIS_URL: "redis://r:1" })).toMatchObject({ windowMs: 2000, tokenLifetimeS: 6, clockSkewMs: 500, refreshMinMarginMs: 2000, redisUrl: "redis://r:1" });
  });

  it("property: integer flags accept exactly whole numbers in range", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 100 }).map(String), fc.string()), (text) => {
        const valid = /^\d+$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 64;
        if (valid) expect(parseWorkerConfig(["--workers", text], {}).workers).toBe(Number(text));
        else expect(() => parseWorkerConfig(["--workers", text], {})).toThrow(/--workers/);
      }),
    );
  });
});

describe("quotaReport", () => {
  it("scores a client spacing requests at exactly the allowed rate 100 %, and counts 429s and token requests", () => {
    const entries = [
      ...Array.from({ length: 40 }, (_, i) => ({ time: 1000 + i * 100, method: "GET", route: "/mapiq/api/v2/users", status: 200 })),
      { time: 1050, method: "GET", route: "/mapiq/api/v2/users", status: 429 },
      { time: 900, method: "POST", route: "/mapiq/account/api/public/oauth2/token", status: 200 },
      { time: 950, method: "GET", route: null, status: 404 },
    ];
    const report = quotaReport(entries, { limit: 20, windowMs: 2000 });
    expect(report.operations["GET /v2/users"]).toEqual({ accepted: 40, possible: 40, share: 1 });
    expect(report.rateLimited).toBe(1);
    expect(report.tokenRequests).toEqual([900]);
  });

  it("property: accepted never exceeds the entries, shares are finite and non-negative", () => {
    const entry = fc.record({
      time: fc.integer({ min: 0, max: 100_000 }),
      method: fc.constantFrom("GET", "POST"),
      route: fc.constantFrom("/mapiq/api/v2/users", "/mapiq/api/v2/buildings/{id}", "/mapiq/account/api/public/oauth2/token", null),
      status: fc.constantFrom(200, 401, 429, 500),
    });
    fc.assert(
      fc.property(fc.array(entry), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 100, max: 60_000 }), (entries, limit, windowMs) => {
        const report = quotaReport(entries, { limit, windowMs });
        let accepted = 0;
        for (const op of Object.values(report.operations)) {
          expect(Number.isFinite(op.share) && op.share >= 0).toBe(true);
          accepted += op.accepted;
        }
        expect(accepted + report.rateLimited + report.unauthorized).toBeLessThanOrEqual(entries.length);
      }),
    );
  });
});

describe("stats", () => {
  it("sums workers and formats the live line", () => {
    const a = { ...emptyStats(), requests: 10, ok: 9, rateLimited: 0, refreshes: 1, perOperation: { "GET /v2/users": 9 } };
    const b = { ...emptyStats(), requests: 5, ok: 5, refreshes: 0, perOperation: { "GET /v2/users": 5 } };
    const total = sumStats([a, b]);
    expect(total).toMatchObject({ requests: 15, ok: 14, refreshes: 1, perOperation: { "GET /v2/users": 14 } });
    expect(formatLiveLine(3000, total, a)).toBe("[  3s] requests    15 (+5/s)  429s 0  refreshes 1  errors 0  | GET /v2/users 14");
  });
});
