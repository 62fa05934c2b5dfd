/**
 * The one source of time in mly. Every expiry, refresh margin and rate-limit slot is computed
 * from a `Clock`, so tests inject a fake one instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/**
 * The wall clock (`Date.now()`).
 *
 * @example
 * ```ts
 * import { systemClock } from "@mly/auth-core";
 *
 * const issuedAt = systemClock.now();
 * ```
 */
export const systemClock: Clock = { now: (): number => Date.now() };

/** A clock that only moves when told to: for tests and simulations. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the time to `ms` milliseconds since the epoch. */
  set(ms: number): void;
}

/**
 * Creates a {@link ManualClock} starting at `startMs`.
 *
 * @example
 * ```ts
 * import { createManualClock } from "@mly/auth-core/testing";
 *
 * const clock = createManualClock(0);
 * clock.advance(1_000);
 * clock.now(); // 1000
 * ```
 */
export function createManualClock(startMs = 0): ManualClock {
  let current = startMs;
  return {
    now: (): number => current,
    advance: (ms: number): void => {
      current += ms;
    },
    set: (ms: number): void => {
      current = ms;
    },
  };
}
