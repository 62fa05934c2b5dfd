import { mapiq, type MlyEvent } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@mly/auth-core/testing";
import { createAdaptiveLimiter } from "./adaptive_limiter.ts";
import { createRateLimiter } from "./local_limiter.ts";
import { policiesFor } from "./policies.ts";

describe("limiter events", () => {
  it("limiter.wait for each caller granted after waiting, with durationMs on the limiter's clock; none for a free slot", async () => {
    const time = createManualClock(1_000_000);
    const events: MlyEvent[] = [];
    const limiter = createRateLimiter({ limit: 10, windowMs: 1000, marginMs: 0, clock: time, onEvent: (event) => events.push(event) });
    const granted = Array.from({ length: 3 }, () => limiter.acquire("GET /v2/users"));
    await time.tick(0);
    expect(events).toEqual([]);
    await time.tick(100);
    await time.tick(100);
    for (const permit of await Promise.all(granted)) permit.settle({ status: 200 });
    expect(events).toEqual([
      { type: "limiter.wait", key: "GET /v2/users", durationMs: 100 },
      { type: "limiter.wait", key: "GET /v2/users", durationMs: 200 },
    ]);
  });

  it("limiter.pause when a server asks to wait; the key stays frozen for that long", async () => {
    const time = createManualClock(1_000_000);
    const events: MlyEvent[] = [];
    const limiter = createRateLimiter({ limit: 10, windowMs: 1000, marginMs: 0, clock: time, onEvent: (event) => events.push(event) });
    limiter.pause("k", 5000);
    limiter.pause("k", 0); // not a pause
    const permit = limiter.acquire("k");
    await time.tick(5000);
    (await permit).settle();
    expect(events).toEqual([
      { type: "limiter.pause", key: "k", durationMs: 5000 },
      { type: "limiter.wait", key: "k", durationMs: 5000 },
    ]);
  });

  it("policiesFor passes onEvent to every policy's limiter: events carry core's route keys", async () => {
    const time = createManualClock(1_000_000);
    const events: MlyEvent[] = [];
    const limiter = policiesFor(mapiq, { clock: time, onEvent: (event) => events.push(event) });
    const key = "mapiq:endpoint:GET /v2/buildings/{id}";
    await limiter.pause(key, 30_000);
    expect(events).toEqual([{ type: "limiter.pause", key, durationMs: 30_000 }]);
  });

  it("a throwing listener breaks no grant and no pause", async () => {
    const time = createManualClock(1_000_000);
    let calls = 0;
    const limiter = createRateLimiter({
      limit: 1,
      windowMs: 1000,
      marginMs: 0,
      clock: time,
      onEvent: () => {
        calls++;
        throw new Error("listener bug");
      },
    });
    limiter.pause("k", 100);
    const first = limiter.acquire("k");
    const second = limiter.acquire("k");
    await time.tick(100);
    (await first).settle();
    await time.tick(1000);
    (await second).settle();
    expect(calls).toBe(3);
    expect(limiter.stats("k").queued).toBe(0);
  });
});

describe("adaptive limiter events", () => {
  it("one limiter.pause per pause, one limiter.wait per wait imposed, however many inner limiters a key goes through", async () => {
    const time = createManualClock(1_000_000);
    const events: MlyEvent[] = [];
    const limiter = createAdaptiveLimiter({ limit: 10, windowMs: 1000, marginMs: 0, clock: time, onEvent: (event) => events.push(event) });
    const key = "mapiq:endpoint:GET /v2/reports/{id}";
    // A 429 teaches the key a lower limit: from then on it has a learned limiter beside its route's.
    const first = await limiter.acquire(key);
    first.settle({ status: 429, retryAfterMs: 1000 });
    expect(limiter.limitOf(key)).toBeLessThan(10);
    expect(events).toEqual([]); // learning is bookkeeping: the caller pauses the key (below)
    limiter.pause(key, 1000);
    const waiting = limiter.acquire(key);
    await time.tick(1000);
    (await waiting).settle({ status: 200 });
    expect(events).toEqual([
      { type: "limiter.pause", key, durationMs: 1000 },
      { type: "limiter.wait", key, durationMs: 1000 },
    ]);
  });
});
