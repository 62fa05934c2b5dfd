/**
 * Timers as a port, so a limiter can be driven by a manual clock in tests and simulations.
 *
 * @module
 */

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Schedules callbacks; the default uses the global `setTimeout` / `clearTimeout`. */
export interface Scheduler {
  /** Calls `callback` after about `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not fired yet; a no-op for `undefined` or a timer that already fired. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The global timers. Timers may fire a little early or late; limiters re-read their clock when
 * a timer fires and wait again if needed.
 *
 * @example
 * ```ts
 * import { systemScheduler } from "@mly/ratelimit";
 *
 * const handle = systemScheduler.setTimeout(() => console.log("tick"), 10);
 * systemScheduler.clearTimeout(handle);
 * ```
 */
export const systemScheduler: Scheduler = {
  setTimeout: (callback: () => void, ms: number): TimerHandle => {
    return setTimeout(callback, ms);
  },
  clearTimeout: (handle: TimerHandle): void => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
