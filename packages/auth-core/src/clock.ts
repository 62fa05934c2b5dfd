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

/** A timer of a runtime clock: calls `callback` once `now()` reaches `end`. */
interface RuntimeTimer {
  readonly now: () => number;
  readonly end: number;
  readonly callback: () => void;
  inner: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A clock reading `now` and waiting with the runtime's own timers, re-checked against `now`
 * when they fire: a timer never fires early on this clock, and delays longer than the runtimes'
 * 2^31-1 ms limit are waited in slices. A timer is one small object (the runtime's timer gets
 * it as its argument): timers are set on every request, so they carry no closures.
 */
function runtimeClock(now: () => number): Clock {
  return {
    now,
    setTimeout: (callback: () => void, ms: number): TimerHandle => {
      // NaN would never compare as due (re-armed every millisecond for ever): run it at once, as `setTimeout` does.
      const timer: RuntimeTimer = { now, end: now() + (Number.isNaN(ms) ? 0 : ms), callback, inner: undefined };
      arm(timer);
      return timer;
    },
    clearTimeout: (handle: TimerHandle): void => {
      const timer = handle as RuntimeTimer | undefined;
      if (timer?.inner !== undefined) clearTimeout(timer.inner);
    },
  };
}

/** Sets the runtime timer of `timer` for the time left until its end (at most the runtimes' limit). */
function arm(timer: RuntimeTimer): void {
  timer.inner = setTimeout(fireWhenDue, Math.min(Math.max(0, Math.ceil(timer.end - timer.now())), MAX_TIMER_MS), timer);
}

/** A runtime timer went off: the callback if its end has come on its clock, else it waits the rest. */
function fireWhenDue(timer: RuntimeTimer): void {
  if (timer.now() >= timer.end) timer.callback();
  else arm(timer);
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
