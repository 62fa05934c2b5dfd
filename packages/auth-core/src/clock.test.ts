import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "./clock.ts";

describe("systemClock timers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("never fire early on the clock: a wall clock set back makes the timer wait the rest", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(Date.now()), 1_000);
    // The wall clock jumps back 300 ms: the runtime's timer still goes off after 1 s of its own time.
    vi.setSystemTime(1_000_000 - 300);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(299);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([1_001_000]);
  });

  it("wait past the runtimes' 2^31-1 ms limit in slices, and can be cancelled in any slice", () => {
    vi.useFakeTimers({ now: 0 });
    const limit = 2_147_483_647;
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push("long"), limit + 5_000);
    const cancelled = systemClock.setTimeout(() => fired.push("cancelled"), limit + 10_000);
    vi.advanceTimersByTime(limit);
    expect(fired).toEqual([]);
    systemClock.clearTimeout(cancelled);
    vi.advanceTimersByTime(4_999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["long"]);
    vi.advanceTimersByTime(limit);
    expect(fired).toEqual(["long"]);
  });
});
