import { AbortedError } from "./errors.ts";

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Aborts the wait: the promise then rejects with {@link AbortedError} (its `cause` is the signal's reason). */
  signal?: AbortSignal | undefined;
}

/**
 * Resolves after `ms` milliseconds, or rejects with {@link AbortedError} as soon as
 * `options.signal` aborts (at once when it already has). Uses only the web-standard
 * `setTimeout`, so it runs in every runtime; the timer is cleared on abort.
 *
 * @example
 * ```ts
 * import { AbortedError, delay } from "@mly/auth-core";
 *
 * await delay(10); // ten milliseconds later
 *
 * const controller = new AbortController();
 * const waiting = delay(60_000, { signal: controller.signal });
 * controller.abort();
 * await waiting.catch((error: unknown) => error instanceof AbortedError); // true, at once
 * ```
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted === true) return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError(undefined, { cause: signal?.reason }));
    };
    const done = (): void => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    // Timers longer than 2^31-1 ms fire at once in every runtime: wait in slices.
    const end = Date.now() + ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      timer = setTimeout(
        () => {
          if (Date.now() >= end) done();
          else arm();
        },
        Math.min(Math.max(0, end - Date.now()), 2_147_483_647),
      );
    };
    arm();
    signal?.addEventListener("abort", abort, { once: true });
  });
}
