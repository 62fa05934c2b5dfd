import { abortedBy } from "./_aborted.ts";
import { type Clock, systemClock } from "./clock.ts";

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Aborts the wait: the promise then rejects with {@link AbortedError} (its `cause` is the signal's reason). */
  signal?: AbortSignal | undefined;
  /**
   * The clock the wait runs on.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/**
 * Resolves after `ms` milliseconds on `options.clock`, or rejects with {@link AbortedError} as
 * soon as `options.signal` aborts (at once when it already has). The timer is cleared on abort
 * and the listener removed when the wait ends.
 *
 * @example Wait
 * ```ts
 * import { delay } from "@mly/auth-core";
 *
 * await delay(10); // ten milliseconds later
 * ```
 *
 * @example Stop waiting
 * ```ts
 * import { AbortedError, delay } from "@mly/auth-core";
 *
 * const controller = new AbortController();
 * const waiting = delay(60_000, { signal: controller.signal });
 * controller.abort();
 * await waiting.catch((error: unknown) => error instanceof AbortedError); // true, at once
 * ```
 *
 * @example Wait on a manual clock
 * ```ts
 * import { delay } from "@mly/auth-core";
 * import { createManualClock } from "@mly/auth-core/testing";
 *
 * const clock = createManualClock(0);
 * const waiting = delay(1_000, { clock });
 * clock.advance(1_000);
 * await waiting; // resolved by the clock, not by real time
 * ```
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal, clock = systemClock } = options;
  if (signal?.aborted === true) return Promise.reject(abortedBy(signal));
  return new Promise((resolve, reject) => {
    const abort = (): void => {
      clock.clearTimeout(timer);
      reject(abortedBy(signal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}
