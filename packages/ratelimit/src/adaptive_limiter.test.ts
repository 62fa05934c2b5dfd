import { ConfigError, mapiqProfile, type RateLimitPermit } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { adaptivePoliciesFor, AdaptiveRateLimiter, type AdaptiveRateLimiterOptions } from "./adaptive.ts";
import { createManualClock, type ManualClock } from "@mly/auth-core/testing";
import { shapeCounter } from "./_test_shapes.ts";

const REPORTS = "mapiq:endpoint:GET /v2/reports/{id}";
const USERS = "mapiq:endpoint:GET /v2/users";
const W = 1000;

function setup(options: Partial<AdaptiveRateLimiterOptions> = {}): { time: ManualClock; limiter: AdaptiveRateLimiter } {
  const time = createManualClock(0);
  const limiter = new AdaptiveRateLimiter({ limit: 20, windowMs: W, marginMs: 0, clock: time, ...options });
  return { time, limiter };
}

interface Sent {
  at: number;
  status: number;
}

/**
 * One caller sending as fast as the limiter allows until `untilMs`, against a server that really
 * allows `realLimit` per window (an exact sliding log, rejected requests not counted). A 429
 * settles with the server's exact wait, as `@mly/fetch` reads it from `Retry-After`.
 */
async function drive(limiter: AdaptiveRateLimiter, time: ManualClock, server: ReturnType<typeof shapeCounter>, untilMs: number, sent: Sent[] = []): Promise<Sent[]> {
  const state = { done: false };
  const worker = (async (): Promise<void> => {
    for (;;) {
      const permit = await limiter.acquire(REPORTS);
      const now = time.now();
      if (now >= untilMs) {
        permit.cancel();
        return;
      }
      const status = server.hit(now) ? 200 : 429;
      sent.push({ at: now, status });
      // The exact wait: until the oldest request the server still counts leaves its window.
      const oldest = sent.find((s) => s.status === 200 && now - s.at < W)?.at ?? now;
      permit.settle(status === 200 ? { status } : { status, retryAfterMs: oldest + W - now });
    }
  })().finally(() => {
    state.done = true;
  });
  while (!state.done) await time.tick(10);
  await worker;
  return sent;
}

const in429 = (sent: readonly Sent[], from: number, to: number): number => sent.filter((s) => s.status === 429 && s.at >= from && s.at < to).length;

describe("AdaptiveRateLimiter: per-route limits", () => {
  it("a route's own limit and window apply to its key; other keys keep the configured limit", async () => {
    const { time, limiter } = setup({ mode: "burst", routes: { "GET /v2/reports/{id}": { limit: 2, windowMs: 2 * W } } });
    expect(limiter.limitOf(REPORTS)).toBe(2);
    expect(limiter.limitOf(USERS)).toBe(20);
    const granted: number[] = [];
    const reports = Array.from({ length: 3 }, () => limiter.acquire(REPORTS).then((permit) => (granted.push(time.now()), permit)));
    await time.tick(0);
    expect(granted).toEqual([0, 0]);
    for (const permit of await Promise.all(reports.slice(0, 2))) permit.settle({ status: 200 });
    // 20 at once on another route: its budget is the configured one.
    const users = await Promise.all(Array.from({ length: 20 }, () => limiter.acquire(USERS)));
    for (const permit of users) permit.settle({ status: 200 });
    await time.tick(2 * W - 1);
    expect(granted).toHaveLength(2);
    await time.tick(1);
    expect(granted).toEqual([0, 0, 2 * W]);
    (await reports[2])?.settle({ status: 200 });
  });

  it("refuses a route that is not METHOD /template", () => {
    expect(() => setup({ routes: { "/v2/reports/{id}": { limit: 5, windowMs: W } } })).toThrow(ConfigError);
    expect(() => setup({ routes: { "GET /v2/reports/{id}": { limit: 0, windowMs: W } } })).toThrow(ConfigError);
    expect(() => setup({ learn: { probeEveryWindows: 0 } })).toThrow(ConfigError);
  });

  it("adaptivePoliciesFor applies the profile's per-route limits and the options', keyed by route template", async () => {
    const base = mapiqProfile();
    const profile = { ...base, rateLimits: base.rateLimits.map((policy) => ({ ...policy, routes: { "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } } })) };
    const limiter = adaptivePoliciesFor(profile, { routes: { "GET /v2/users": { limit: 3, windowMs: 60_000 } }, mode: "burst" });
    const endpoint = limiter.limiters.get("endpoint") as AdaptiveRateLimiter;
    expect(endpoint.limitOf(REPORTS)).toBe(5);
    expect(endpoint.limitOf(USERS)).toBe(3);
    expect(endpoint.limitOf("mapiq:endpoint:GET /v2/buildings")).toBe(20);
    // A whole request line resolves to the route template: 5 at once, the 6th waits.
    const line = limiter.keyFor("GET", "https://api.mapiq.com/v2/reports/8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001");
    const permits: RateLimitPermit[] = [];
    for (let i = 0; i < 5; i++) permits.push(await limiter.acquire(line));
    const sixth = new AbortController();
    const waiting = limiter.acquire(line, { signal: sixth.signal });
    sixth.abort();
    await expect(waiting).rejects.toThrow();
    for (const permit of permits) await permit.settle({ status: 200 });
  });
});

describe("AdaptiveRateLimiter: learning from 429s", () => {
  it("learns the real limit from the first 429; the following windows earn 0 × 429; it probes back up slowly", async () => {
    const { time, limiter } = setup();
    const server = shapeCounter("sliding-log", 5, W);
    const sent = await drive(limiter, time, server, 5 * W);
    // The first window: 5 admitted, then one 429 teaches the route its limit.
    expect(in429(sent, 0, W)).toBe(1);
    expect(sent.filter((s) => s.at < W && s.status === 200)).toHaveLength(5);
    expect(limiter.limitOf(REPORTS)).toBe(5);
    // The following windows, still at 5: 0 × 429, 5 admitted in each.
    expect(in429(sent, W, 5 * W)).toBe(0);
    for (let window = 1; window < 5; window++) expect(sent.filter((s) => s.status === 200 && s.at >= window * W && s.at < (window + 1) * W)).toHaveLength(5);
    // 5 windows after the 429 (probeEveryWindows), one step up to 6; the server's one 429 brings it back to 5.
    await drive(limiter, time, server, 9 * W, sent);
    expect(in429(sent, 5 * W, 9 * W)).toBe(1);
    expect(limiter.limitOf(REPORTS)).toBe(5);
  });

  it("a limit back at the configured one is forgotten; with learn: false nothing is learned", async () => {
    const { time, limiter } = setup({ learn: { probeEveryWindows: 1 } });
    const permit = await limiter.acquire(REPORTS);
    permit.settle({ status: 429, retryAfterMs: 10 });
    expect(limiter.limitOf(REPORTS)).toBe(1);
    await time.tick(19 * W);
    expect(limiter.limitOf(REPORTS)).toBe(20);
    const { limiter: fixed } = setup({ learn: false });
    (await fixed.acquire(REPORTS)).settle({ status: 429, retryAfterMs: 10 });
    expect(fixed.limitOf(REPORTS)).toBe(20);
  });

  it("429s of requests sent before the first 429 was learned do not lower the limit again", async () => {
    const { limiter } = setup({ mode: "burst" });
    const admitted = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(REPORTS)));
    for (const permit of admitted) permit.settle({ status: 200 });
    const inFlight = await Promise.all(Array.from({ length: 3 }, () => limiter.acquire(REPORTS)));
    for (const permit of inFlight) permit.settle({ status: 429, retryAfterMs: W });
    expect(limiter.limitOf(REPORTS)).toBe(5);
  });

  it("pause freezes the route and its learned limiter", async () => {
    const { time, limiter } = setup();
    (await limiter.acquire(REPORTS)).settle({ status: 429, retryAfterMs: 100 });
    limiter.pause(REPORTS, 3 * W);
    let granted = false;
    const next = limiter.acquire(REPORTS).then((permit) => ((granted = true), permit));
    await time.tick(3 * W - 10);
    expect(granted).toBe(false);
    await time.tick(W);
    expect(granted).toBe(true);
    (await next).settle({ status: 200 });
  });
});
