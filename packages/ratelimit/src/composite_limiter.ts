import type { AcquireOptions, RateLimitPermit, RateLimiter } from "@mly/auth-core";

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

  /** Takes a slot in every budget of `key`, in order; on failure gives back the ones taken. */
  async acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit> {
    const permits: RateLimitPermit[] = [];
    try {
      for (const part of this.#resolve(key)) permits.push(await part.limiter.acquire(part.key, options));
    } catch (error) {
      await Promise.allSettled(permits.map(async (permit) => permit.cancel()));
      throw error;
    }
    return { settle: async (outcome) => forEachAtOnce(permits, (permit) => permit.settle(outcome)), cancel: async () => forEachAtOnce(permits, (permit) => permit.cancel()) };
  }

  /** Pauses every budget of `key`. */
  async pause(key: string, waitMs: number): Promise<void> {
    await forEachAtOnce(this.#resolve(key), (part) => part.limiter.pause(part.key, waitMs));
  }
}

/** Calls `f` on every item at once; rejects if one of them fails. */
async function forEachAtOnce<T>(items: readonly T[], f: (item: T) => void | Promise<void>): Promise<void> {
  await Promise.all(items.map(async (item) => f(item)));
}
