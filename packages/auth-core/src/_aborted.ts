import { AbortedError } from "./errors.ts";

/** The error a wait rejects with when the caller's signal aborts: the signal's reason is its cause. */
export function abortedBy(signal: AbortSignal | undefined): AbortedError {
  return new AbortedError(undefined, { cause: signal?.reason });
}

/** The reason a deadline aborts with: the same kind of `DOMException` as `AbortSignal.timeout`'s. */
export function timedOut(ms: number): DOMException {
  return new DOMException(`Timed out after ${ms} ms`, "TimeoutError");
}
