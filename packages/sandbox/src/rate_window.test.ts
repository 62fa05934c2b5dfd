import { describe, expect, it } from "vitest";
import { RateWindow, retryAfterSeconds } from "./rate_window.ts";

describe("RateWindow sliding-log", () => {
  it("allows N in the window and rejects N+1 until the oldest leaves", () => {
    const w = new RateWindow();
    const hit = (t: number) => w.hit("k", t, "sliding-log", 3, 1000);
    expect(hit(0).allowed).toBe(true);
    expect(hit(100).allowed).toBe(true);
    expect(hit(200).allowed).toBe(true);
    expect(hit(300)).toEqual({ allowed: false, retryAfterMs: 700 });
    expect(hit(999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(hit(1000).allowed).toBe(true); // t=0 left: 1000 - 0 is not < 1000
    expect(hit(1050)).toEqual({ allowed: false, retryAfterMs: 50 }); // 100 leaves at 1100
    expect(hit(1100).allowed).toBe(true);
  });

  it("keeps keys apart", () => {
    const w = new RateWindow();
    expect(w.hit("a", 0, "sliding-log", 1, 1000).allowed).toBe(true);
    expect(w.hit("b", 0, "sliding-log", 1, 1000).allowed).toBe(true);
    expect(w.hit("a", 1, "sliding-log", 1, 1000).allowed).toBe(false);
  });
});

describe("RateWindow fixed-window", () => {
  it("resets at the clock-aligned boundary, not one window after the first request", () => {
    const w = new RateWindow();
    const hit = (t: number) => w.hit("k", t, "fixed-window", 3, 1000);
    expect([hit(900), hit(950), hit(990)].every((d) => d.allowed)).toBe(true);
    expect(hit(999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect([hit(1000), hit(1001), hit(1002)].every((d) => d.allowed)).toBe(true);
    expect(hit(1003)).toEqual({ allowed: false, retryAfterMs: 997 });
  });
});

describe("RateWindow weighted", () => {
  it("matches prev × (W − elapsed)/W + curr ≥ N", () => {
    const w = new RateWindow();
    const hit = (t: number) => w.hit("k", t, "weighted", 10, 1000);
    for (let i = 0; i < 10; i++) expect(hit(i).allowed).toBe(true);
    // Window 0 is full; at 1000 the estimate is 10·1 + 0 = 10, so the first accepted time is 1001.
    expect(hit(10)).toEqual({ allowed: false, retryAfterMs: 991 });
    expect(hit(1000)).toEqual({ allowed: false, retryAfterMs: 1 });
    // Halfway through window 1 the previous window weighs 5: five more fit.
    expect(w.usage("k", 1500, "weighted", 1000)).toBe(5);
    for (let i = 0; i < 5; i++) expect(hit(1500).allowed).toBe(true);
    expect(w.usage("k", 1500, "weighted", 1000)).toBe(10);
    expect(hit(1500)).toEqual({ allowed: false, retryAfterMs: 1 });
    // 10·(499/1000) + 5 = 9.99 < 10
    expect(hit(1501).allowed).toBe(true);
    expect(hit(1502).allowed).toBe(false);
  });

  it("does not count rejected requests", () => {
    const w = new RateWindow();
    expect(w.hit("k", 0, "weighted", 1, 1000).allowed).toBe(true);
    for (let t = 1; t < 50; t++) expect(w.hit("k", t, "weighted", 1, 1000).allowed).toBe(false);
    expect(w.usage("k", 50, "weighted", 1000)).toBe(1);
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up and is at least 1", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
