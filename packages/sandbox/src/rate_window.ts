import type { RateShape } from "./settings.ts";

/** The verdict for one request. `retryAfterMs` is the exact wait until it would be accepted. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts accepted requests per key and judges new ones by one of three shapes:
 *
 * - `sliding-log`: exact; reject when `limit` requests were accepted in the last `windowMs`
 *   (a timestamp `t` is in the window at time `now` while `now - t < windowMs`).
 * - `fixed-window`: clock-aligned windows `[k·W, (k+1)·W)` with `k = floor(now / W)`; reject when
 *   `limit` requests were accepted in the current one.
 * - `weighted`: two-window counter; with `prev`/`curr` the counts of the previous/current aligned
 *   window and `elapsed = now - k·W`, reject when `prev · (W − elapsed) / W + curr ≥ limit`.
 *
 * Rejected requests do not count (like Azure API Management). All three shapes are computed
 * from one log of accepted timestamps, so the shape can be switched at run time.
 */
export class RateWindow {
  readonly #log = new Map<string, number[]>();

  /** Judges a request for `key` at `now`; if allowed it is recorded. */
  hit(key: string, now: number, shape: RateShape, limit: number, windowMs: number): RateDecision {
    const log = this.#prune(key, now, windowMs);
    if (allows(log, now, shape, limit, windowMs)) {
      log.push(now);
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: waitUntilAllowed(log, now, shape, limit, windowMs) };
  }

  /** How many requests `shape` would count for `key` at `now` (the weighted estimate may be fractional). */
  usage(key: string, now: number, shape: RateShape, windowMs: number): number {
    return countInWindow(this.#prune(key, now, windowMs), now, shape, windowMs);
  }

  /** Forgets every key. */
  reset(): void {
    this.#log.clear();
  }

  #prune(key: string, now: number, windowMs: number): number[] {
    const keep = Math.min(now - windowMs, (Math.floor(now / windowMs) - 1) * windowMs);
    const log = (this.#log.get(key) ?? []).filter((t) => t >= keep);
    this.#log.set(key, log);
    return log;
  }
}

function countInWindow(log: readonly number[], at: number, shape: RateShape, windowMs: number): number {
  const start = Math.floor(at / windowMs) * windowMs;
  switch (shape) {
    case "sliding-log":
      return log.filter((t) => t <= at && at - t < windowMs).length;
    case "fixed-window":
      return log.filter((t) => t >= start && t <= at).length;
    case "weighted": {
      const prev = log.filter((t) => t >= start - windowMs && t < start).length;
      const curr = log.filter((t) => t >= start && t <= at).length;
      return (prev * (windowMs - (at - start))) / windowMs + curr;
    }
  }
}

function allows(log: readonly number[], at: number, shape: RateShape, limit: number, windowMs: number): boolean {
  return countInWindow(log, at, shape, windowMs) < limit;
}

/**
 * The smallest whole number of milliseconds after which a request would be accepted, if nothing
 * else is accepted meanwhile. Every shape's count only falls as time passes, so a binary search
 * over [1, 2W] is exact.
 */
function waitUntilAllowed(log: readonly number[], now: number, shape: RateShape, limit: number, windowMs: number): number {
  let lo = 1;
  let hi = 2 * windowMs;
  if (!allows(log, now + hi, shape, limit, windowMs)) return hi;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (allows(log, now + mid, shape, limit, windowMs)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `Retry-After` seconds for a wait: rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
