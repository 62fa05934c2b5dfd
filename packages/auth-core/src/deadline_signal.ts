import { timedOut } from "./_aborted.ts";
import { type Clock, systemClock } from "./clock.ts";

/** Options of {@link deadlineSignal}. */
export interface DeadlineSignalOptions {
  /** The caller's signal: its abort aborts the returned signal too, with the same reason. */
  signal?: AbortSignal | undefined;
  /**
   * The clock the deadline runs on.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** A signal that aborts at a deadline, and the way to let go of it. */
export interface DeadlineSignal {
  /** Aborts `ms` after creation (reason: a `DOMException` named `"TimeoutError"`) or when the caller's signal does. */
  readonly signal: AbortSignal;
  /** True once the deadline, not the caller, aborted the signal. */
  readonly timedOut: boolean;
  /** Cancels the deadline timer and the link to the caller's signal; call it when the work is done. */
  clear(): void;
}

/**
 * `AbortSignal.timeout` on a {@link Clock}, merged with the caller's signal: what an adapter hands
 * to `fetch` or a Redis call to bound the whole exchange. Call `clear()` once the exchange ended,
 * so no timer outlives it.
 *
 * @example Bound a request at ten seconds
 * ```ts
 * import { deadlineSignal } from "@mly/auth-core";
 *
 * const deadline = deadlineSignal(10_000);
 * try {
 *   await fetch("data:text/plain,hello", { signal: deadline.signal });
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export function deadlineSignal(ms: number, options: DeadlineSignalOptions = {}): DeadlineSignal {
  const { signal: callerSignal, clock = systemClock } = options;
  const controller = new AbortController();
  let expired = false;
  const follow = (): void => {
    clock.clearTimeout(timer);
    controller.abort(callerSignal?.reason);
  };
  const timer = clock.setTimeout(() => {
    expired = true;
    callerSignal?.removeEventListener("abort", follow);
    controller.abort(timedOut(ms));
  }, ms);
  if (callerSignal?.aborted === true) follow();
  else callerSignal?.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    get timedOut(): boolean {
      return expired;
    },
    clear: (): void => {
      clock.clearTimeout(timer);
      callerSignal?.removeEventListener("abort", follow);
    },
  };
}
