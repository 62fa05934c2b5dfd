import { describe, expect, it } from "vitest";
import { delay } from "./delay.ts";
import { createManualClock } from "./manual_clock.ts";

describe("createManualClock", () => {
  it("fires due timers in time order, each at its own time, and no timer early", () => {
    const clock = createManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 200);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(151);
    expect(fired).toEqual(["a@1100", "b@1200", "c@1200"]);
    expect(clock.now()).toBe(1_250);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("fires a timer set by a firing timer when it falls inside the same advance", () => {
    const clock = createManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    clock.advance(15);
    expect(fired).toEqual([10]);
    clock.advance(5);
    expect(fired).toEqual([10, 20]);
  });

  it("cancels a timer, and set() fires what falls due but moves back without firing", () => {
    const clock = createManualClock(0);
    let fired = 0;
    const handle = clock.setTimeout(() => (fired += 1), 10);
    clock.clearTimeout(handle);
    clock.setTimeout(() => (fired += 10), 50);
    clock.set(100);
    expect(fired).toBe(10);
    clock.set(0);
    expect(clock.now()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("tick() follows waits that re-arm after their promise settles", async () => {
    const clock = createManualClock(0);
    const woke: number[] = [];
    const loop = (async (): Promise<void> => {
      for (let i = 0; i < 3; i += 1) {
        await delay(100, { clock });
        woke.push(clock.now());
      }
    })();
    await clock.tick(300);
    await loop;
    expect(woke).toEqual([100, 200, 300]);
  });
});

describe("timers given NaN or Infinity", () => {
  it("run a NaN timer at once and never an Infinity one, on the manual and the system clock", async () => {
    const { systemClock } = await import("./clock.ts");
    const clock = createManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("nan"), Number.NaN);
    clock.setTimeout(() => fired.push("infinity"), Number.POSITIVE_INFINITY);
    clock.advance(0);
    expect(fired).toEqual(["nan"]);
    clock.advance(1e15);
    expect(fired).toEqual(["nan"]);

    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, Number.NaN));
    const forever = systemClock.setTimeout(() => fired.push("system infinity"), Number.POSITIVE_INFINITY);
    systemClock.clearTimeout(forever);
    expect(fired).toEqual(["nan"]);
  });
});
