import { describe, expect, it } from "vitest";
import { createManualClock } from "./manual_clock.ts";
import { AbortedError, LockTimeoutError, VersionConflictError } from "./errors.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import { rejected, tokenSet } from "./_test_util.ts";

describe("MemoryTokenStore", () => {
  it("get / set / delete / list with versions", async () => {
    const store = new MemoryTokenStore();
    expect(await store.get("a")).toBeUndefined();
    const t = tokenSet();
    expect(await store.set("a:1", t)).toBe(1);
    expect(await store.set("a:1", t)).toBe(2);
    await store.set("b:1", t);
    expect(await store.get("a:1")).toEqual({ tokens: t, version: 2 });
    expect(await store.list("a:")).toEqual(["a:1"]);
    expect(await store.list()).toEqual(["a:1", "b:1"]);
    expect(await store.delete("a:1")).toBe(true);
    expect(await store.delete("a:1")).toBe(false);
  });

  it("compare-and-set: the expected version must match (null: nothing stored)", async () => {
    const store = new MemoryTokenStore();
    const t = tokenSet();
    expect(await store.set("k", t, { expectedVersion: null })).toBe(1);
    expect(await rejected(store.set("k", t, { expectedVersion: null }))).toBeInstanceOf(VersionConflictError);
    expect(await store.set("k", t, { expectedVersion: 1 })).toBe(2);
    expect(await rejected(store.set("k", t, { expectedVersion: 1 }))).toBeInstanceOf(VersionConflictError);
    expect(await rejected(store.delete("k", { expectedVersion: 1 }))).toBeInstanceOf(VersionConflictError);
    expect(await store.delete("k", { expectedVersion: 2 })).toBe(true);
  });

  it("lock: exclusive, released once, waits for the holder", async () => {
    const store = new MemoryTokenStore();
    const first = await store.lock("k", { ttlMs: 10_000 });
    const order: string[] = [];
    const second = store.lock("k", { ttlMs: 10_000 }).then((lock) => { order.push("second"); return lock; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push("release");
    await first.release();
    await first.release(); // idempotent
    const lock = await second;
    expect(order).toEqual(["release", "second"]);
    await lock.release();
  });

  it("lock: expires after its TTL so a crashed holder cannot block; the old holder's release leaves the new lock alone", async () => {
    const clock = createManualClock(0);
    const store = new MemoryTokenStore({ clock });
    const stale = await store.lock("k", { ttlMs: 100 });
    clock.advance(101);
    const fresh = await store.lock("k", { ttlMs: 100 });
    await stale.release();
    const waiting = store.lock("k", { ttlMs: 100, waitMs: 50 });
    clock.advance(60);
    expect(await rejected(waiting)).toBeInstanceOf(LockTimeoutError);
    await fresh.release();
  });

  it("lock: a waiter wakes on the store's clock when the holder's TTL ends: one timer, no polling, no real time", async () => {
    const clock = createManualClock(0);
    const store = new MemoryTokenStore({ clock });
    await store.lock("k", { ttlMs: 1_000 });
    let taken = false;
    const waiting = store.lock("k", { ttlMs: 1_000 }).then((lock) => {
      taken = true;
      return lock;
    });
    expect(clock.pendingTimers()).toBe(1);
    await clock.tick(999);
    expect(taken).toBe(false);
    await clock.tick(1);
    expect(taken).toBe(true);
    await (await waiting).release();
    expect(clock.pendingTimers()).toBe(0);
  });

  it("lock: an abort signal stops the wait", async () => {
    const store = new MemoryTokenStore();
    await store.lock("k", { ttlMs: 10_000 });
    const controller = new AbortController();
    const waiting = store.lock("k", { ttlMs: 10_000, signal: controller.signal });
    setTimeout(() => { controller.abort(); }, 10);
    expect(await rejected(waiting)).toBeInstanceOf(AbortedError);
  });
});

describe("MemoryTokenStore versions", () => {
  it("never reuses a version after a delete, so a stale compare-and-set fails (no ABA)", async () => {
    const store = new MemoryTokenStore();
    const read = await store.set("k", tokenSet());
    await store.delete("k");
    await store.set("k", tokenSet());
    await expect(store.set("k", tokenSet(), { expectedVersion: read })).rejects.toBeInstanceOf(VersionConflictError);
  });
});
