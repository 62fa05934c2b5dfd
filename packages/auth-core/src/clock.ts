/**
 * The one time port of mly: what time it is and how to wait. Every expiry, refresh margin,
 * rate-limit slot, lock deadline and timeout in every mly package is computed and waited on a
 * `Clock`, so one manual clock (`createManualClock` in `@mly/auth-core/testing`) drives any test
 * instead of sleeping.
 *
 * @module
 */

/** An opaque timer handle, as returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** Reads the time and runs timers on it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Calls `callback` once `ms` milliseconds have passed on this clock (at once for `ms <= 0` or
   * `NaN`, never for `Infinity`).
   * Timers may fire a little late, never early on the clock they were set on.
   */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not fired; a no-op for a timer that fired or was cancelled. */
  clearTimeout(handle: TimerHandle): void;
}

/** Longest delay the runtimes' `setTimeout` takes: a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

interface RuntimeTimer {
  inner: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A clock reading `now` and waiting with the runtime's own timers, re-checked against `now`
 * when they fire: a timer never fires early on this clock, and delays longer than the runtimes'
 * 2^31-1 ms limit are waited in slices.
 */
function runtimeClock(now: () => number): Clock {
  return {
    now,
    setTimeout: (callback: () => void, ms: number): TimerHandle => {
      // NaN would never compare as due (re-armed every millisecond for ever): run it at once, as `setTimeout` does.
      const end = now() + (Number.isNaN(ms) ? 0 : ms);
      const timer: RuntimeTimer = { inner: undefined };
      const arm = (): void => {
        timer.inner = setTimeout(
          () => {
            if (now() >= end) callback();
            else arm();
          },
          Math.min(Math.max(0, Math.ceil(end - now())), MAX_TIMER_MS),
        );
      };
      arm();
      return timer;
    },
    clearTimeout: (handle: TimerHandle): void => {
      const timer = handle as RuntimeTimer | undefined;
      if (timer?.inner !== undefined) clearTimeout(timer.inner);
    },
  };
}

/**
 * The wall clock (`Date.now()`) and the runtime's own timers: the default of everything that
 * compares times with a server's (token expiry, `Retry-After` dates).
 *
 * @example Read the time and wait on it
 * ```ts
 * import { systemClock } from "@mly/auth-core";
 *
 * const issuedAt = systemClock.now();
 * const handle = systemClock.setTimeout(() => console.log("later"), 60_000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export const systemClock: Clock = runtimeClock((): number => Date.now());

/** `performance.timeOrigin`, read once: it never changes, and reading it costs a getter call every time. */
let timeOrigin: number | undefined;

/**
 * A monotonic clock with sub-millisecond precision (`performance.timeOrigin + performance.now()`)
 * and the runtime's timers: the default of the rate limiters. Spacing below a millisecond
 * (Mapillary's 50 000 per minute is one request every 1.2 ms) needs more than `Date.now()`'s
 * whole milliseconds, and a wall-clock jump must not free or freeze slots.
 *
 * @example Two readings never go backwards
 * ```ts
 * import { preciseClock } from "@mly/auth-core";
 *
 * const a = preciseClock.now();
 * const b = preciseClock.now();
 * b >= a; // true
 * ```
 */
export const preciseClock: Clock = runtimeClock((): number => (timeOrigin ??= performance.timeOrigin) + performance.now());
