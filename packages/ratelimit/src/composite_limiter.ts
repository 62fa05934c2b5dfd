import type { AcquireOptions, PermitOutcome, RateLimitPermit, RateLimiter } from "@mly/auth-core";

/** One budget of a composite acquire: a limiter and the key to take in it. */
export interface CompositePart {
  /** The limiter holding this budget. */
  readonly limiter: RateLimiter;
  /** The key in that limiter. */
  readonly key: string;
}

/** Maps a composite key to the budgets it spends, scarcest (longest window) first. */
export type CompositeResolver = (key: string) => readonly CompositePart[];

/**
 * A {@link RateLimiter} that spends several budgets per request, e.g. a per-minute and a per-day
 * one. Parts are taken in the resolver's order (put the scarcest first, so a caller waiting for
 * the day budget holds no minute slot); if one fails (abort, full queue, backend down) the permits
 * already taken are cancelled, so no slot leaks. Settling or cancelling the permit settles or
 * cancels every part; pausing pauses every part.
 *
 * @example
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 * import { CompositeLimiter } from "@mly/ratelimit/policies";
 *
 * const perMinute = createRateLimiter({ limit: 50_000, windowMs: 60_000 });
 * const perDay = createRateLimiter({ limit: 50_000, windowMs: 86_400_000, mode: "burst" });
 * const limiter = new CompositeLimiter((key) => [
 *   { limiter: perDay, key },
 *   { limiter: perMinute, key },
 * ]);
 * const permit = await limiter.acquire("mapillary:graph");
 * await permit.settle({ status: 200 });
 * ```
 */
export class CompositeLimiter implements RateLimiter {
  readonly #resolve: CompositeResolver;

  /** Creates a composite over the budgets `resolve` names for each key. */
  constructor(resolve: CompositeResolver) {
    this.#resolve = resolve;
  }

  /** The budgets `key` spends. */
  partsOf(key: string): readonly CompositePart[] {
    return this.#resolve(key);
  }

  /**
   * Takes a slot in every budget of `key`, in order; on failure gives back the ones taken. A key
   * with one budget (the usual case) gets that budget's own permit: nothing to combine, so its
   * `settle` and `cancel` answer as that budget's do (at once for an in-memory limiter, with a
   * promise for a shared one). A permit over several budgets answers with a promise only when one
   * of its budgets does.
   */
  acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit> {
    try {
      const parts = this.#resolve(key);
      const only = parts.length === 1 ? parts[0] : undefined;
      return only === undefined ? acquireEvery(parts, options) : only.limiter.acquire(only.key, options);
    } catch (error) {
      return rejectedWith(error);
    }
  }

  /** Pauses every budget of `key`. */
  async pause(key: string, waitMs: number): Promise<void> {
    await forEachAtOnce(this.#resolve(key), (part) => part.limiter.pause(part.key, waitMs));
  }
}

/** A slot in every budget, in order; if one cannot be had, the ones taken are given back. */
async function acquireEvery(parts: readonly CompositePart[], options: AcquireOptions | undefined): Promise<RateLimitPermit> {
  const permits: RateLimitPermit[] = [];
  try {
    for (const part of parts) permits.push(await part.limiter.acquire(part.key, options));
  } catch (error) {
    await Promise.allSettled(permits.map(async (permit) => permit.cancel()));
    throw error;
  }
  return new CompositePermit(permits);
}

/** The permits of every budget of one acquire, settled or cancelled together. */
class CompositePermit implements RateLimitPermit {
  readonly #permits: readonly RateLimitPermit[];

  constructor(permits: readonly RateLimitPermit[]) {
    this.#permits = permits;
  }

  settle(outcome?: PermitOutcome): void | Promise<void> {
    return forEachAtOnce(this.#permits, (permit) => permit.settle(outcome));
  }

  cancel(): void | Promise<void> {
    return forEachAtOnce(this.#permits, (permit) => permit.cancel());
  }
}

/**
 * Calls `f` on every item at once. Returns a promise only when a call answered with one (a
 * shared limiter's round trip), which then rejects if one of them fails; a call that throws
 * becomes such a rejection, after every item was called.
 */
function forEachAtOnce<T>(items: readonly T[], f: (item: T) => void | Promise<void>): void | Promise<void> {
  const pending: Promise<void>[] = [];
  for (const item of items) {
    try {
      const result = f(item);
      if (result !== undefined) pending.push(result);
    } catch (error) {
      pending.push(rejectedWith(error));
    }
  }
  if (pending.length === 0) return undefined;
  return Promise.all(pending).then(() => undefined);
}

/** A promise rejected with exactly what was thrown, as an `async` function rejects. */
// eslint-disable-next-line @typescript-eslint/require-await -- rejecting with the thrown value as is is the point
async function rejectedWith(error: unknown): Promise<never> {
  throw error;
}
