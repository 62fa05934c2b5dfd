import { createManualClock, type ManualClock } from "@mly/auth-core/testing";
import type { Scheduler, TimerHandle } from "./scheduler.ts";

/** A manual clock and scheduler: `advance` moves time and runs the timers that fall due, in order. */
export interface ManualTime {
  readonly clock: ManualClock;
  readonly scheduler: Scheduler;
  /** Moves time forward by `ms`, firing due timers at their own times, then lets promises settle. */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pending(): number;
}

interface _Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Creates manual time starting at `startMs`. */
export function manualTime(startMs = 1_000_000): ManualTime {
  const clock = createManualClock(startMs);
  const timers = new Set<_Timer>();
  let seq = 0;
  const scheduler: Scheduler = {
    setTimeout: (callback: () => void, ms: number): TimerHandle => {
      const timer = { at: clock.now() + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout: (handle: TimerHandle): void => {
      timers.delete(handle as _Timer);
    },
  };
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  };
  return {
    clock,
    scheduler,
    pending: () => timers.size,
    advance: async (ms: number): Promise<void> => {
      const end = clock.now() + ms;
      await flush();
      for (;;) {
        let next: _Timer | undefined;
        for (const timer of timers) {
          if (timer.at <= end && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
        }
        if (next === undefined) break;
        timers.delete(next);
        if (next.at > clock.now()) clock.set(next.at);
        next.callback();
        await flush();
      }
      clock.set(end);
      await flush();
    },
  };
}
