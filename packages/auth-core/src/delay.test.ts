import { describe, expect, it, vi } from "vitest";
import { delay } from "./delay.ts";
import { AbortedError } from "./errors.ts";

describe("delay", () => {
  it("resolves after the given time, not before", async () => {
    const started = performance.now();
    await delay(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("rejects with AbortedError as soon as the signal aborts, with the reason as cause", async () => {
    const controller = new AbortController();
    // Far longer than the test timeout: only the abort can end it (a hang fails the test).
    const waiting = delay(600_000, { signal: controller.signal });
    setTimeout(() => {
      controller.abort("stop");
    }, 5);
    const error: unknown = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).code).toBe("aborted");
    expect((error as AbortedError).cause).toBe("stop");
  });

  it("rejects at once when the signal has already aborted", async () => {
    const reason = new Error("gone");
    const error: unknown = await delay(10_000, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toBe(reason);
  });

  it("leaves no listener on the signal once it resolved", async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners -= 1;
      remove(...args);
    }) as typeof remove;
    await delay(1, { signal });
    expect(listeners).toBe(0);
    controller.abort();
  });

  it("clears its timer on abort", async () => {
    const clear = vi.spyOn(globalThis, "clearTimeout");
    try {
      const controller = new AbortController();
      const waiting = delay(10_000, { signal: controller.signal }).catch(() => undefined);
      controller.abort();
      await waiting;
      expect(clear).toHaveBeenCalledTimes(1);
    } finally {
      clear.mockRestore();
    }
  });
});

describe("delay beyond the longest timer", () => {
  it("waits the whole time instead of firing at once (setTimeout overflows past 2^31-1 ms)", async () => {
    vi.useFakeTimers();
    try {
      let resolved = false;
      const ms = 30 * 86_400_000; // 30 days
      const waiting = delay(ms).then(() => {
        resolved = true;
      });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(resolved).toBe(false);
      await vi.advanceTimersByTimeAsync(2 ** 31);
      expect(resolved).toBe(false);
      await vi.advanceTimersByTimeAsync(ms - 2 ** 31);
      await waiting;
      expect(resolved).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("delay on a clock", () => {
  it("resolves when its clock reaches the time, not on real time", async () => {
    const { createManualClock } = await import("./manual_clock.ts");
    const clock = createManualClock(0);
    let done = false;
    const waiting = delay(1_000, { clock }).then(() => {
      done = true;
    });
    clock.advance(999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await waiting;
    expect(done).toBe(true);
  });
});
