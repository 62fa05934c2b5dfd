import { describe, expect, it } from "vitest";
import { systemClock } from "./clock.ts";
import { createManualClock } from "./manual_clock.ts";
import { Secret } from "./secret.ts";
import { clientTokenSet, isUsable, needsRefresh, refreshMargin } from "./token_set.ts";
import { tokenSet } from "./_test_util.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe("token set", () => {
  it("isUsable: before expiry minus skew, after not_before", () => {
    const t = tokenSet({ issuedAt: 0, expiresAt: HOUR });
    expect(isUsable(t, 0)).toBe(true);
    expect(isUsable(t, HOUR - 31_000)).toBe(true);
    expect(isUsable(t, HOUR - 29_000)).toBe(false);
    expect(isUsable(t, HOUR - 29_000, 0)).toBe(true);
    expect(isUsable(tokenSet({ expiresAt: null }), 1e15)).toBe(true);
    const nb = tokenSet({ notBefore: 100_000, expiresAt: null });
    expect(isUsable(nb, 0)).toBe(false);
    expect(isUsable(nb, 70_000)).toBe(true);
  });

  it("needsRefresh: a 60-day token refreshes days ahead", () => {
    const t = tokenSet({ issuedAt: 0, expiresAt: 60 * DAY });
    expect(needsRefresh(t, 53 * DAY)).toBe(false);
    expect(needsRefresh(t, 54 * DAY + 1)).toBe(true); // 6 days (10 %) + skew ahead
    expect(refreshMargin(t)).toBe(6 * DAY + 30_000);
    // A 200-day token is capped at 7 days ahead (JOSM).
    expect(refreshMargin(tokenSet({ issuedAt: 0, expiresAt: 200 * DAY }))).toBe(7 * DAY + 30_000);
  });

  it("needsRefresh: a 1-hour token refreshes minutes ahead", () => {
    const t = tokenSet({ issuedAt: 0, expiresAt: HOUR });
    expect(refreshMargin(t)).toBe(6 * 60_000 + 30_000);
    expect(needsRefresh(t, HOUR - 7 * 60_000)).toBe(false);
    expect(needsRefresh(t, HOUR - 6 * 60_000)).toBe(true);
  });

  it("needsRefresh: short tokens refresh no earlier than half-way; policy overrides; never-expiring never refresh", () => {
    const short = tokenSet({ issuedAt: 0, expiresAt: 20_000 });
    expect(refreshMargin(short, { clockSkewMs: 0 })).toBe(10_000);
    expect(refreshMargin(tokenSet({ issuedAt: 0, expiresAt: HOUR }), { fraction: 0.5, minMarginMs: 0, maxMarginMs: HOUR, clockSkewMs: 0 })).toBe(HOUR / 2);
    expect(needsRefresh(tokenSet({ expiresAt: null }), 1e15)).toBe(false);
    expect(refreshMargin(tokenSet({ expiresAt: null }))).toBe(0);
  });

  it("clientTokenSet: a never-expiring client token", () => {
    const t = clientTokenSet(new Secret("MLY|1|x"), 5);
    expect(t).toMatchObject({ kind: "client_token", expiresAt: null, issuedAt: 5, provider: "mapillary" });
    expect(needsRefresh(t, 1e15)).toBe(false);
  });

  it("clocks: system and manual", () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    const clock = createManualClock(10);
    clock.advance(5);
    expect(clock.now()).toBe(15);
    clock.set(1);
    expect(clock.now()).toBe(1);
    expect(createManualClock().now()).toBe(0);
  });
});
