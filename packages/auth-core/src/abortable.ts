import { abortedBy } from "./_aborted.ts";

/**
 * Settles like `promise`, unless `signal` aborts first: then it rejects with
 * {@link AbortedError} (its `cause` is the signal's reason), at once when the signal already
 * has. The work behind `promise` is not stopped (it cannot be); only the wait for it is.
 *
 * @example Stop waiting for work that takes no signal
 * ```ts
 * import { AbortedError, abortable } from "@mly/auth-core";
 *
 * const controller = new AbortController();
 * const slow = new Promise<string>((resolve) => setTimeout(() => resolve("done"), 50));
 * const waiting = abortable(slow, controller.signal);
 * controller.abort();
 * await waiting.catch((error: unknown) => error instanceof AbortedError); // true
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedBy(signal));
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      reject(abortedBy(signal));
    };
    signal.addEventListener("abort", abort, { once: true });
    promise
      .finally(() => {
        signal.removeEventListener("abort", abort);
      })
      .then(resolve, reject);
  });
}
