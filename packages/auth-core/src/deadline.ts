import { abortedBy, timedOut } from "./_aborted.ts";
import { type Clock, systemClock } from "./clock.ts";

/** Options of {@link deadline}. */
export interface DeadlineOptions {
  /** Stops waiting: the promise then rejects with {@link AbortedError} (its `cause` is the signal's reason). */
  signal?: AbortSignal | undefined;
  /**
   * The clock the deadline runs on.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/**
 * Settles like `promise`, unless `ms` milliseconds pass on `options.clock` first: then it
 * rejects with a `DOMException` named `"TimeoutError"` (what `AbortSignal.timeout` aborts
 * with), which an adapter turns into its own typed error. The work behind `promise` is not
 * stopped; only the wait for it is bounded. The timer is cleared as soon as either side wins.
 *
 * @example Give up on a slow answer
 * ```ts
 * import { deadline } from "@mly/auth-core";
 *
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 1_000));
 * const outcome = await deadline(slow, 10).catch((error: unknown) => (error as Error).name);
 * outcome; // "TimeoutError"
 * ```
 */
export function deadline<T>(promise: Promise<T>, ms: number, options: DeadlineOptions = {}): Promise<T> {
  const { signal, clock = systemClock } = options;
  if (signal?.aborted === true) return Promise.reject(abortedBy(signal));
  return new Promise<T>((resolve, reject) => {
    const finish = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    const abort = (): void => {
      finish();
      reject(abortedBy(signal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      reject(timedOut(ms));
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
    promise.finally(finish).then(resolve, reject);
  });
}
