import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abortable } from "./abortable.ts";
import { deadline } from "./deadline.ts";
import { deadlineSignal } from "./deadline_signal.ts";
import { delay } from "./delay.ts";
import { AbortedError } from "./errors.ts";
import { createManualClock } from "./manual_clock.ts";

function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

describe("deadline", () => {
  it("rejects with a TimeoutError once the time passes on its clock, not before", async () => {
    const clock = createManualClock(0);
    const outcome = deadline(never(), 1_000, { clock }).catch((error: unknown) => error);
    clock.advance(999);
    await Promise.resolve();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("TimeoutError");
  });

  it("settles like the promise when it wins, and leaves no timer behind", async () => {
    const clock = createManualClock(0);
    await expect(deadline(Promise.resolve("value"), 1_000, { clock })).resolves.toBe("value");
    await expect(deadline(Promise.reject(new Error("own")), 1_000, { clock })).rejects.toThrow("own");
    expect(clock.pendingTimers()).toBe(0);
  });

  it("rejects with AbortedError when the caller aborts, with the reason as cause", async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    const outcome = deadline(never(), 1_000, { clock, signal: controller.signal }).catch((error: unknown) => error);
    controller.abort("stop");
    const error = await outcome;
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toBe("stop");
    expect(clock.pendingTimers()).toBe(0);
  });

  it("on the system clock, bounds a real wait", async () => {
    const error: unknown = await deadline(never(), 5).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("TimeoutError");
  });

  it("whichever comes first wins, for any order of settle time and deadline", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1, max: 1_000 }), async (settleAt, ms) => {
        fc.pre(settleAt !== ms);
        const clock = createManualClock(0);
        const outcome = deadline(delay(settleAt, { clock }).then(() => "settled"), ms, { clock }).catch((error: unknown) => (error as DOMException).name);
        await clock.tick(1_000);
        expect(await outcome).toBe(settleAt < ms ? "settled" : "TimeoutError");
        expect(clock.pendingTimers()).toBe(0);
      }),
    );
  });
});

describe("abortable", () => {
  it("rejects with AbortedError when the signal aborts first, else settles like the promise", async () => {
    const controller = new AbortController();
    const outcome = abortable(never(), controller.signal).catch((error: unknown) => error);
    controller.abort("why");
    const error = await outcome;
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toBe("why");
    await expect(abortable(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(abortable(Promise.resolve(1), AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
    await expect(abortable(Promise.resolve(2), undefined)).resolves.toBe(2);
  });
});

describe("deadlineSignal", () => {
  it("aborts with a TimeoutError at the deadline on its clock and says so", () => {
    const clock = createManualClock(0);
    const deadlineOf = deadlineSignal(500, { clock });
    clock.advance(499);
    expect(deadlineOf.signal.aborted).toBe(false);
    clock.advance(1);
    expect(deadlineOf.signal.aborted).toBe(true);
    expect(deadlineOf.timedOut).toBe(true);
    expect((deadlineOf.signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("follows the caller's signal with its reason, and clear() leaves no timer", () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    const followed = deadlineSignal(500, { clock, signal: controller.signal });
    controller.abort("caller");
    expect(followed.signal.reason).toBe("caller");
    expect(followed.timedOut).toBe(false);
    expect(clock.pendingTimers()).toBe(0);

    const cleared = deadlineSignal(500, { clock, signal: new AbortController().signal });
    cleared.clear();
    clock.advance(1_000);
    expect(cleared.signal.aborted).toBe(false);
    expect(deadlineSignal(500, { clock, signal: AbortSignal.abort("early") }).signal.reason).toBe("early");
  });
});
