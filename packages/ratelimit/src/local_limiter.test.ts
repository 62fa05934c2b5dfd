import { AbortedError, ConfigError, QueueFullError, type RateLimitPermit } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { createManualClock, type ManualClock } from "@mly/auth-core/testing";
import { createRateLimiter, type LocalRateLimiter, type RateLimiterOptions } from "./local_limiter.ts";

function setup(options: Partial<RateLimiterOptions> = {}): { time: ManualClock; limiter: LocalRateLimiter; t0: number } {
  const time = createManualClock(1_000_000);
  const limiter = createRateLimiter({ limit: 10, windowMs: 1000, marginMs: 0, clock: time, ...options });
  return { time, limiter, t0: time.now() };
}

/** Starts `count` acquires and records when each is granted (relative to t0). */
function acquireMany(limiter: LocalRateLimiter, time: ManualClock, t0: number, count: number, key = "k") {
  const grants: { index: number; at: number; permit: RateLimitPermit }[] = [];
  const promises = Array.from({ length: count }, (_, index) =>
    limiter.acquire(key).then((permit) => {
      grants.push({ index, at: time.now() - t0, permit });
      return permit;
    }),
  );
  return { grants, promises };
}

describe("even mode (GCRA)", () => {
  it("spaces grants exactly windowMs / limit apart when responses are instant", async () => {
    const { time, limiter, t0 } = setup();
    expect(limiter.spacingMs).toBe(100);
    const { grants } = acquireMany(limiter, time, t0, 5);
    for (let i = 0; i < 6; i += 1) {
      await time.tick(i === 0 ? 0 : 100);
      for (const grant of grants) grant.permit.settle();
    }
    expect(grants.map((g) => g.at)).toEqual([0, 100, 200, 300, 400]);
  });

  it("spaces sends evenly and caps the window with slots timed from the responses", async () => {
    const { time, limiter, t0 } = setup({ limit: 2 });
    expect(limiter.spacingMs).toBe(500);
    const { grants } = acquireMany(limiter, time, t0, 3);
    await time.tick(300);
    grants[0]!.permit.settle({ status: 200 }); // slot 1 counts from 300
    await time.tick(300);
    grants[1]!.permit.settle({ status: 200 }); // sent at 500 (spacing), slot 2 counts from 600
    // Spacing alone would send the third at 1000; the window cap waits for slot 1 to leave at 1300.
    await time.tick(699);
    expect(grants.map((g) => g.at)).toEqual([0, 500]);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([0, 500, 1300]);
  });

  it("adds the margin to the window", () => {
    const limiter = createRateLimiter({ limit: 20, windowMs: 60_000, marginMs: 1000 });
    expect(limiter.mode).toBe("even");
    expect(limiter.spacingMs).toBe(3050);
    expect(createRateLimiter({ limit: 20, windowMs: 60_000 }).marginMs).toBe(600);
    expect(createRateLimiter({ limit: 20, windowMs: 2_000 }).marginMs).toBe(20);
    expect(createRateLimiter({ limit: 50_000, windowMs: 86_400_000 }).marginMs).toBe(1000);
  });

  it("gives the slot back on cancel (the request was never sent)", async () => {
    const { time, limiter, t0 } = setup();
    const first = await limiter.acquire("k");
    first.cancel();
    const second = await limiter.acquire("k");
    expect(time.now() - t0).toBe(0);
    second.settle();
    first.settle(); // no effect after cancel
    expect(limiter.stats("k")).toMatchObject({ inflight: 0, slots: 1 });
  });
});

describe("burst mode (sliding log)", () => {
  it("allows limit requests at once, then one per slot leaving the window", async () => {
    const { time, limiter, t0 } = setup({ mode: "burst", limit: 3 });
    expect(limiter.spacingMs).toBe(0);
    const { grants } = acquireMany(limiter, time, t0, 5);
    await time.tick(0);
    expect(grants.map((g) => g.at)).toEqual([0, 0, 0]);
    await time.tick(10);
    grants[0]!.permit.settle();
    await time.tick(10);
    grants[1]!.permit.settle();
    grants[2]!.permit.settle();
    await time.tick(989);
    expect(grants.map((g) => g.at)).toEqual([0, 0, 0]);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([0, 0, 0, 1010]);
    await time.tick(10);
    expect(grants.map((g) => g.at)).toEqual([0, 0, 0, 1010, 1020]);
  });

  it("has its own default margin", () => {
    const limiter = createRateLimiter({ limit: 20, windowMs: 2000, mode: "burst" });
    expect(limiter.mode).toBe("burst");
    expect(limiter.marginMs).toBe(10);
  });

  it("settles a forgotten permit at its timeout, so the key is not held forever", async () => {
    const { time, limiter, t0 } = setup({ mode: "burst", limit: 1, settleTimeoutMs: 5000 });
    await limiter.acquire("k"); // never settled
    const { grants } = acquireMany(limiter, time, t0, 1);
    await time.tick(5999);
    expect(grants).toHaveLength(0);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([6000]);
  });

  it("wakes a waiter when a settle frees a slot that every in-flight permit held", async () => {
    const { time, limiter, t0 } = setup({ mode: "burst", limit: 1, windowMs: 100 });
    const first = await limiter.acquire("k");
    const { grants } = acquireMany(limiter, time, t0, 1);
    await time.tick(50);
    expect(limiter.stats("k")).toMatchObject({ queued: 1, inflight: 1 });
    first.settle();
    await time.tick(100);
    expect(grants.map((g) => g.at)).toEqual([150]);
  });
});

describe("queue", () => {
  it("grants waiters in FIFO order", async () => {
    const { time, limiter, t0 } = setup({ limit: 2, windowMs: 100 });
    const { grants } = acquireMany(limiter, time, t0, 6);
    for (let i = 0; i < 40; i += 1) {
      await time.tick(10);
      for (const grant of grants) grant.permit.settle();
    }
    expect(grants.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("keys are independent", async () => {
    const { time, limiter, t0 } = setup({ limit: 1, windowMs: 1000 });
    (await limiter.acquire("a")).settle();
    (await limiter.acquire("b")).settle();
    expect(time.now() - t0).toBe(0);
    expect(limiter.stats("a").waitMs).toBe(1000);
    expect(limiter.stats("c")).toEqual({ queued: 0, inflight: 0, slots: 0, pausedUntil: 0, waitMs: 0 });
  });

  it("rejects with AbortedError and gives the place to the next caller", async () => {
    const { time, limiter, t0 } = setup();
    (await limiter.acquire("k")).settle();
    const controller = new AbortController();
    const aborted = limiter.acquire("k", { signal: controller.signal });
    const { grants } = acquireMany(limiter, time, t0, 1);
    await time.tick(50);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await time.tick(50);
    expect(grants.map((g) => g.at)).toEqual([100]);
    expect(limiter.stats("k").queued).toBe(0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const { limiter } = setup();
    await expect(limiter.acquire("k", { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "aborted" });
  });

  it("ignores a signal that fires after the grant", async () => {
    const { time, limiter } = setup();
    (await limiter.acquire("k")).settle();
    const controller = new AbortController();
    const waiting = limiter.acquire("k", { signal: controller.signal });
    await time.tick(100);
    const permit = await waiting;
    controller.abort();
    permit.settle();
    expect(limiter.stats("k").slots).toBe(2);
  });

  it("throws QueueFullError when maxQueue callers wait", async () => {
    const { limiter } = setup({ maxQueue: 2 });
    await limiter.acquire("k");
    void limiter.acquire("k");
    void limiter.acquire("k");
    const error: unknown = await limiter.acquire("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).code).toBe("queue_full");
  });
});

describe("memory", () => {
  it("past maxKeys, evicts the least recently used key (LRU order)", async () => {
    const { limiter, t0 } = setup({ maxKeys: 3, mode: "burst", limit: 10, windowMs: 1000 });
    for (const key of ["a", "b", "c", "a"]) (await limiter.acquire(key)).settle(); // a used again: b is now the least recently used
    (await limiter.acquire("d")).settle();
    // b is gone (a new key starts empty; its slot's end is remembered), c and a are kept.
    expect(limiter.size).toBe(3);
    expect(limiter.stats("b")).toMatchObject({ slots: 0, pausedUntil: t0 + 1000 });
    expect(limiter.stats("c").slots).toBe(1);
    expect(limiter.stats("a").slots).toBe(2);
    limiter.pause("c", 10); // a pause is a use too: a is now the least recently used
    (await limiter.acquire("e")).settle();
    expect(limiter.stats("a").slots).toBe(0);
    expect(limiter.stats("c").slots).toBe(1);
    expect(limiter.stats("d").slots).toBe(1);
  });

  it("never evicts a key with waiters or permits in flight, even the least recently used", async () => {
    const { time, limiter, t0 } = setup({ maxKeys: 3, limit: 1, windowMs: 100 });
    const held = await limiter.acquire("held"); // in flight
    const { grants } = acquireMany(limiter, time, t0, 1, "queued"); // granted at once…
    await time.tick(0);
    grants[0]!.permit.settle();
    const waiting = acquireMany(limiter, time, t0, 1, "queued"); // …and a waiter behind it (spacing 100 ms)
    for (let i = 0; i < 20; i += 1) (await limiter.acquire(`one-off-${i}`)).settle();
    expect(limiter.size).toBe(3);
    expect(limiter.stats("held").inflight).toBe(1);
    expect(limiter.stats("queued").queued).toBe(1);
    await time.tick(100);
    expect(waiting.grants.map((g) => g.at)).toEqual([100]);
    held.settle();
  });

  it("keeps the number of keys at maxKeys whatever the number of new keys, for acquire and pause alike", async () => {
    const { time, limiter } = setup({ maxKeys: 100, limit: 5, windowMs: 10 });
    for (let i = 0; i < 5000; i += 1) {
      (await limiter.acquire(`key-${i}`)).settle();
      expect(limiter.size).toBeLessThanOrEqual(100);
      await time.tick(1);
    }
    expect(limiter.size).toBe(100);
    for (let i = 0; i < 5000; i += 1) {
      limiter.pause(`paused-${i}`, 60_000);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
  });

  it("an evicted key that comes back honours its pause and its window (remembered in bounded memory)", async () => {
    const { time, limiter, t0 } = setup({ maxKeys: 10, limit: 1, windowMs: 1000 });
    limiter.pause("paused", 5000);
    (await limiter.acquire("full")).settle(); // its one slot is in the window until t0 + 1000
    for (let i = 0; i < 50; i += 1) limiter.pause(`other-${i}`, 10); // evicts both
    expect(limiter.size).toBe(10);
    expect(limiter.stats("paused").pausedUntil).toBeGreaterThanOrEqual(t0 + 5000);
    const { grants } = acquireMany(limiter, time, t0, 1, "paused");
    const full = acquireMany(limiter, time, t0, 1, "full");
    await time.tick(999);
    expect(full.grants).toHaveLength(0);
    await time.tick(4001);
    expect(full.grants.map((g) => g.at)).toEqual([1000]);
    expect(grants.map((g) => g.at)).toEqual([5000]);
  });

  it("a paused key keeps its pause while in use, however many new keys come and go", async () => {
    const { time, limiter, t0 } = setup({ maxKeys: 5, limit: 1, windowMs: 100 });
    limiter.pause("k", 60_000);
    const { grants } = acquireMany(limiter, time, t0, 1, "k"); // a waiter: k is in use
    for (let i = 0; i < 500; i += 1) {
      (await limiter.acquire(`one-off-${i}`)).settle();
      await time.tick(101);
    }
    expect(limiter.stats("k")).toMatchObject({ queued: 1, pausedUntil: t0 + 60_000 });
    await time.tick(60_000 - 500 * 101 - 1);
    expect(grants).toHaveLength(0);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([60_000]);
  });

  it("when every key is in use: acquire on a new key throws QueueFullError, a pause on a new key is still honoured", async () => {
    const { time, limiter, t0 } = setup({ maxKeys: 2, limit: 1, windowMs: 100 });
    const a = await limiter.acquire("a");
    const b = await limiter.acquire("b");
    await expect(limiter.acquire("c")).rejects.toBeInstanceOf(QueueFullError);
    limiter.pause("d", 1000);
    expect(limiter.size).toBe(2);
    expect(limiter.stats("d").pausedUntil).toBe(t0 + 1000);
    a.settle();
    b.settle();
    const { grants } = acquireMany(limiter, time, t0, 1, "d");
    await time.tick(999);
    expect(grants).toHaveLength(0);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([1000]);
  });

  it("a late settle or cancel of an evicted key's permit changes nothing, on the new key that took over its state either", async () => {
    const { limiter, t0 } = setup({ maxKeys: 1, mode: "burst", limit: 2, windowMs: 1000 });
    const old = await limiter.acquire("a");
    old.settle();
    const permit = await limiter.acquire("b"); // evicts a: b now holds what a held
    old.settle();
    old.cancel();
    expect(limiter.size).toBe(1);
    expect(limiter.stats("b")).toMatchObject({ inflight: 1, slots: 0, pausedUntil: 0, waitMs: 0 });
    expect(limiter.stats("a")).toMatchObject({ inflight: 0, slots: 0, pausedUntil: t0 + 1000 }); // a's slot is remembered
    permit.settle();
    expect(limiter.stats("b")).toMatchObject({ inflight: 0, slots: 1 });
  });

  it("reclaims a key whose permit nobody settles, at the permit's timeout", async () => {
    const { time, limiter } = setup({ maxKeys: 2, limit: 1, windowMs: 100, settleTimeoutMs: 1000 });
    await limiter.acquire("lost-1"); // never settled
    await limiter.acquire("lost-2"); // never settled
    await expect(limiter.acquire("c")).rejects.toBeInstanceOf(QueueFullError);
    await time.tick(1100); // both permits timed out and their slots left the window
    (await limiter.acquire("c")).settle();
    (await limiter.acquire("d")).settle();
    expect(limiter.size).toBe(2);
  });
});

describe("pause", () => {
  it("freezes a key for the server's wait", async () => {
    const { time, limiter, t0 } = setup();
    limiter.pause("k", 5000);
    limiter.pause("k", 10); // a shorter pause does not shorten it
    limiter.pause("k", 0);
    expect(limiter.stats("k").pausedUntil).toBe(t0 + 5000);
    const { grants } = acquireMany(limiter, time, t0, 1);
    await time.tick(4999);
    expect(grants).toHaveLength(0);
    await time.tick(1);
    expect(grants.map((g) => g.at)).toEqual([5000]);
  });

  it("pauses on a settle carrying retryAfterMs, or a bare 429 for a whole window", async () => {
    const { time, limiter, t0 } = setup();
    (await limiter.acquire("k")).settle({ status: 429, retryAfterMs: 3000 });
    expect(limiter.stats("k").waitMs).toBe(3000);
    (await limiter.acquire("j")).settle({ status: 429 });
    expect(limiter.stats("j").pausedUntil).toBe(t0 + 1000);
    await time.tick(3000);
    expect(limiter.stats("k").pausedUntil).toBe(0);
  });
});

describe("config", () => {
  it("rejects unusable options", () => {
    expect(() => createRateLimiter({ limit: 0, windowMs: 1000 })).toThrow(ConfigError);
    expect(() => createRateLimiter({ limit: 1.5, windowMs: 1000 })).toThrow(ConfigError);
    expect(() => createRateLimiter({ limit: 1, windowMs: 0 })).toThrow(ConfigError);
    expect(() => createRateLimiter({ limit: 1, windowMs: Number.POSITIVE_INFINITY })).toThrow(ConfigError);
    expect(() => createRateLimiter({ limit: 1, windowMs: 10, marginMs: -1 })).toThrow(ConfigError);
    expect(() => createRateLimiter({ limit: 1, windowMs: 10, mode: "fast" as "even" })).toThrow(ConfigError);
  });

  it("works with the system clock and timers", async () => {
    const limiter = createRateLimiter({ limit: 2, windowMs: 40, marginMs: 0 });
    const started = Date.now();
    for (let i = 0; i < 3; i += 1) (await limiter.acquire("k")).settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(39);
  });
});
