import type { MlyEvent } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { emptyEventCounters, operationOfKey, sumEventCounters, tallyEvents } from "./event_tally.ts";
import { QuotaChart } from "./quota_chart.ts";

const USERS = "mapiq:endpoint:GET /v2/users";
const BUILDING = "mapiq:endpoint:GET /v2/buildings/{id}";

describe("tallyEvents", () => {
  it("counts 2xx requests per operation, waits with their time, pauses, throttles, token requests and store errors", () => {
    const counters = emptyEventCounters();
    const listener = tallyEvents(counters);
    const events: MlyEvent[] = [
      { type: "refresh.start", key: "mapiq:id:default" },
      { type: "refresh.success", key: "mapiq:id:default", durationMs: 30 },
      { type: "request", keys: [USERS], method: "GET", status: 200, durationMs: 5 },
      { type: "request", keys: [BUILDING], method: "GET", status: 200, durationMs: 5 },
      { type: "request", keys: [BUILDING], method: "GET", status: 429, durationMs: 5 },
      { type: "throttle.seen", keys: [BUILDING], status: 429, retryAfterMs: 1000, reason: "retry-after" },
      { type: "limiter.pause", key: BUILDING, durationMs: 1000 },
      { type: "limiter.wait", key: BUILDING, durationMs: 1000 },
      { type: "limiter.wait", key: USERS, durationMs: 100 },
      { type: "refresh.failure", key: "mapiq:id:default", durationMs: 3, code: "transport_error" },
      { type: "store.error", key: "mapiq:id:default", code: "storage_error" },
    ];
    for (const event of events) listener(event);
    expect(counters).toEqual({
      used: { "GET /v2/users": 1, "GET /v2/buildings/{id}": 1 },
      waits: 2,
      waitMs: 1100,
      pauses: 1,
      throttles: 1,
      refreshes: 2,
      refreshFailures: 1,
      storeErrors: 1,
    });
    expect(sumEventCounters([counters, counters]).used["GET /v2/users"]).toBe(2);
    expect(operationOfKey("mapillary:graph")).toBe("mapillary:graph");
  });
});

describe("QuotaChart", () => {
  it("draws, per operation, the requests of the last window against the limit, and this second's events", () => {
    const chart = new QuotaChart({ limit: 20, windowMs: 2000, operations: ["GET /v2/users", "GET /v2/buildings/{id}"], width: 10 });
    const counters = emptyEventCounters();
    counters.used["GET /v2/users"] = 10;
    counters.used["GET /v2/buildings/{id}"] = 5;
    counters.waits = 4;
    counters.waitMs = 400;
    expect(chart.update(1000, counters)).toEqual([
      "[  1s] quota: requests answered in the last 2 s per operation, against the limit of 20",
      "  GET /v2/users          ▕█████·····▏  10/20  (+10 in the last second)",
      "  GET /v2/buildings/{id} ▕███·······▏   5/20  (+5 in the last second)",
      "  events this second: limiter waits 4 (avg 100 ms) · pauses 0 · throttles seen 0 · token requests 0 · store errors 0",
    ]);
    const second = { ...counters, used: { "GET /v2/users": 20, "GET /v2/buildings/{id}": 15, "GET /v2/extra": 3 }, waits: 6, waitMs: 1000 };
    const lines = chart.update(2010, second);
    expect(lines[1]).toBe("  GET /v2/users          ▕██████████▏  20/20  (+10 in the last second)");
    expect(lines[2]).toBe("  GET /v2/buildings/{id} ▕████████··▏  15/20  (+10 in the last second)");
    // An operation the events reported but the options did not name is added.
    expect(lines[3]).toBe("  GET /v2/extra          ▕██········▏   3/20  (+3 in the last second)");
    expect(lines[4]).toBe("  events this second: limiter waits 2 (avg 300 ms) · pauses 0 · throttles seen 0 · token requests 0 · store errors 0");
    // A second later (a late tick): the window now starts at the 1-second sample.
    const third = { ...second, used: { "GET /v2/users": 45, "GET /v2/buildings/{id}": 25, "GET /v2/extra": 3 } };
    const late = chart.update(3080, third);
    expect(late[0]).toMatch(/^\[ {2}3s\]/);
    // 45 − 10 = 35 in the window: over the limit, marked with "!".
    expect(late[1]).toBe("  GET /v2/users          ▕██████████▏! 35/20  (+25 in the last second)");
    expect(late[2]).toBe("  GET /v2/buildings/{id} ▕██████████▏  20/20  (+10 in the last second)");
    expect(late[4]).toContain("limiter waits 0 · pauses 0");
  });

  it("measures a window shorter than a second over the second, against the limit scaled to it", () => {
    const chart = new QuotaChart({ limit: 5, windowMs: 500, width: 4 });
    const counters = emptyEventCounters();
    counters.used["GET /v2/users"] = 10;
    const lines = chart.update(1000, counters);
    expect(lines[0]).toBe("[  1s] quota: requests answered in the last 1 s per operation, against the limit of 10");
    expect(lines[1]).toBe("  GET /v2/users ▕████▏  10/10  (+10 in the last second)");
  });
});
