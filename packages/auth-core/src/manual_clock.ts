import type { Clock, TimerHandle } from "./clock.ts";

/** A {@link Clock} that only moves when told to, and fires its timers as it moves. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms` milliseconds, firing the timers that fall due in that span in
   * order (each at its own time), synchronously.
   */
  advance(ms: number): void;
  /** Sets the time to `ms`; when that is later, the timers that fall due fire first, in order. */
  set(ms: number): void;
  /**
   * Like {@link ManualClock.advance}, but lets pending promise callbacks run after each timer,
   * so a wait that re-arms itself once its promise settles is followed through.
   */
  tick(ms: number): Promise<void>;
  /** Timers set and not yet fired or cancelled. */
  pendingTimers(): number;
}

interface ManualTimer {
  at: number;
  order: number;
  callback: () => void;
}

/** Rounds of queued promise callbacks `tick` lets run after each timer. */
const SETTLE_ROUNDS = 10;

/**
 * Creates a {@link ManualClock} starting at `startMs`.
 *
 * @example Expire a token without sleeping
 * ```ts
 * import { createManualClock } from "@mly/auth-core/testing";
 *
 * const clock = createManualClock(0);
 * clock.advance(1_000);
 * clock.now(); // 1000
 * ```
 *
 * @example Fire a timer
 * ```ts
 * import { createManualClock } from "@mly/auth-core/testing";
 *
 * const clock = createManualClock(0);
 * let fired = false;
 * clock.setTimeout(() => {
 *   fired = true;
 * }, 500);
 * clock.advance(499); // fired === false
 * clock.advance(1); // fired === true
 * ```
 */
export function createManualClock(startMs = 0): ManualClock {
  let current = startMs;
  let order = 0;
  const timers = new Set<ManualTimer>();

  const nextDue = (end: number): ManualTimer | undefined => {
    let next: ManualTimer | undefined;
    for (const timer of timers) {
      if (timer.at > end) continue;
      if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer;
    }
    return next;
  };

  const fireOne = (end: number): boolean => {
    const timer = nextDue(end);
    if (timer === undefined) return false;
    timers.delete(timer);
    if (timer.at > current) current = timer.at;
    timer.callback();
    return true;
  };

  const moveTo = (end: number): void => {
    while (fireOne(end));
    current = end;
  };

  const settle = async (): Promise<void> => {
    for (let round = 0; round < SETTLE_ROUNDS; round += 1) await Promise.resolve();
  };

  return {
    now: (): number => current,
    setTimeout: (callback: () => void, ms: number): TimerHandle => {
      const timer: ManualTimer = { at: current + (Number.isNaN(ms) ? 0 : Math.max(0, ms)), order: order++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (handle: TimerHandle): void => {
      timers.delete(handle as ManualTimer);
    },
    advance: (ms: number): void => {
      moveTo(current + ms);
    },
    set: (ms: number): void => {
      if (ms > current) moveTo(ms);
      else current = ms;
    },
    tick: async (ms: number): Promise<void> => {
      const end = current + ms;
      await settle();
      while (fireOne(end)) await settle();
      current = end;
      await settle();
    },
    pendingTimers: (): number => timers.size,
  };
}
