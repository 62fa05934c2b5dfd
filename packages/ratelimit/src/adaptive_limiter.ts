import type { AcquireOptions, Clock, MlyEvent, MlyEventListener, PermitOutcome, RateLimitPermit, RateLimiter } from "@mly/auth-core";
import { ConfigError, emitEvent, preciseClock } from "@mly/auth-core";
import { LocalRateLimiter, type RateLimiterOptions } from "./local_limiter.ts";
import { DEFAULT_PROBE_EVERY_WINDOWS, lowerLimit, probedLimit, routeOfKey, type LearnOptions, type RouteLimits } from "./route_limits.ts";

/** Options of {@link AdaptiveRateLimiter}: a limiter's options, per-route limits and learning. */
export interface AdaptiveRateLimiterOptions extends RateLimiterOptions {
  /** Routes whose limit deviates from `limit` / `windowMs`, by `METHOD /template` (see `routeOfKey`). */
  routes?: RouteLimits | undefined;
  /** Learn a route's real limit from its 429s (default: on, see {@link LearnOptions}); `false` turns it off. */
  learn?: LearnOptions | false | undefined;
}

/** What a key learned from a 429. */
interface Learned {
  /** The limit learned. */
  readonly limit: number;
  /** When it was learned (the limiter's clock). */
  readonly since: number;
  /** The limiter holding the key at its current (probed) limit. */
  limiter: LocalRateLimiter;
}

/**
 * An in-process {@link RateLimiter} that knows that some routes deviate from the documented
 * limit: per-route limits from the options (`routes`), and limits learned from the server. After
 * a 429 a key's limit drops to the requests the limiter saw admitted in the window before it
 * (always below the limit it ran at), the key pauses for the server's wait (`Retry-After`, or
 * Mapiq's "Try again in N seconds", as the caller settles it), and the limit then rises by one
 * every `probeEveryWindows` windows without a 429, back to the configured one. Each key keeps
 * every guarantee of {@link LocalRateLimiter} (two-phase slots, even spacing, FIFO, pause).
 *
 * @example
 * ```ts
 * import { createAdaptiveLimiter } from "@mly/ratelimit/adaptive";
 *
 * const limiter = createAdaptiveLimiter({
 *   limit: 20,
 *   windowMs: 60_000,
 *   routes: { "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } },
 * });
 * const permit = await limiter.acquire("mapiq:endpoint:GET /v2/reports/{id}");
 * permit.settle({ status: 429, retryAfterMs: 45_000 }); // the route learns from it
 * limiter.limitOf("mapiq:endpoint:GET /v2/reports/{id}"); // lower than 5 from now on, probing back up slowly
 * ```
 */
export class AdaptiveRateLimiter implements RateLimiter {
  /** The configured limit of routes without their own. */
  readonly limit: number;
  /** The configured window of routes without their own, in ms. */
  readonly windowMs: number;
  readonly #options: RateLimiterOptions;
  readonly #base: LocalRateLimiter;
  readonly #routes = new Map<string, LocalRateLimiter>();
  readonly #learned = new Map<string, Learned>();
  readonly #probeEveryWindows: number | undefined;
  readonly #maxKeys: number;
  readonly #clock: Clock;
  readonly #onEvent: MlyEventListener | undefined;
  /** Where this limiter's permits report a 429: one object per limiter, so a permit carries no closure. */
  readonly #teacher: Teacher = {
    learn: (key, ceiling, grantedAt, outcome) => {
      this.#learn(key, ceiling, grantedAt, outcome);
    },
  };

  /** Creates a limiter; see {@link AdaptiveRateLimiterOptions}. */
  constructor(options: AdaptiveRateLimiterOptions) {
    const { routes, learn, onEvent, ...rest } = options;
    // The inner limiters report the waits they imposed; a pause here is one event, however many
    // of them it freezes (their own pause events are dropped).
    const forwardWaits = (event: MlyEvent): void => {
      if (event.type === "limiter.wait") emitEvent(onEvent, event);
    };
    const shared = { ...rest, onEvent: onEvent === undefined ? undefined : forwardWaits };
    this.#onEvent = onEvent;
    this.#options = shared;
    this.#base = new LocalRateLimiter(shared);
    this.limit = this.#base.limit;
    this.windowMs = this.#base.windowMs;
    for (const [route, limit] of Object.entries(routes ?? {})) {
      if (routeOfKey(route) !== route) throw new ConfigError(`Rate limiter: route "${route.slice(0, 80)}" is not "METHOD /template" (e.g. "GET /v2/reports/{id}").`);
      // A route's window has the margin its own length implies, unless one was given.
      this.#routes.set(route, new LocalRateLimiter({ ...shared, limit: limit.limit, windowMs: limit.windowMs }));
    }
    const every = learn === false ? undefined : (learn?.probeEveryWindows ?? DEFAULT_PROBE_EVERY_WINDOWS);
    if (every !== undefined && !(every > 0)) throw new ConfigError("Rate limiter: learn.probeEveryWindows must be > 0.");
    this.#probeEveryWindows = every;
    this.#maxKeys = shared.maxKeys ?? 10_000;
    this.#clock = shared.clock ?? preciseClock;
  }

  /** The limit `key` runs at now: its route's, or what it learned from a 429 (rising back slowly). */
  limitOf(key: string): number {
    return this.#learnedOf(key, this.#now())?.limiter.limit ?? this.#ceiling(key).limit;
  }

  /**
   * Waits for a slot on `key` under its route's limit, then under its learned limit, and reserves
   * both. Settle the permit with the response's status (and the server's wait): a 429 teaches the
   * key its limit.
   *
   * @throws {AbortedError} the signal fired before a slot was granted.
   * @throws {QueueFullError} too many callers wait for `key`.
   */
  acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit> {
    const ceiling = this.#ceiling(key);
    return ceiling.acquire(key, options).then((first) => this.#withLearned(key, ceiling, first, options));
  }

  /**
   * The permit of `first`, plus a slot under the key's learned limit if it has one: looked up
   * after the first wait, so a key that learned meanwhile is held to what it learned. If that
   * slot cannot be had, `first` is given back.
   */
  #withLearned(key: string, ceiling: LocalRateLimiter, first: RateLimitPermit, options: AcquireOptions | undefined): RateLimitPermit | Promise<RateLimitPermit> {
    try {
      const learned = this.#learnedOf(key, this.#now());
      if (learned === undefined) return new AdaptivePermit(this.#teacher, key, ceiling, first, undefined, this.#now());
      return learned.limiter.acquire(key, options).then(
        (second) => new AdaptivePermit(this.#teacher, key, ceiling, first, second, this.#now()),
        (error: unknown) => {
          void first.cancel();
          throw error;
        },
      );
    } catch (error) {
      void first.cancel();
      throw error;
    }
  }

  /** Freezes `key` for `waitMs` (a server's `Retry-After`). */
  pause(key: string, waitMs: number): void {
    emitEvent(this.#onEvent, { type: "limiter.pause", key, durationMs: waitMs });
    this.#ceiling(key).pause(key, waitMs);
    this.#learned.get(key)?.limiter.pause(key, waitMs);
  }

  /** The limiter of `key`'s route, or of every other key. */
  #ceiling(key: string): LocalRateLimiter {
    const route = this.#routes.size === 0 ? undefined : routeOfKey(key);
    return (route === undefined ? undefined : this.#routes.get(route)) ?? this.#base;
  }

  /** What `key` learned, probed up to `now`; forgotten once back at the configured limit. */
  #learnedOf(key: string, now: number): Learned | undefined {
    const learned = this.#learned.get(key);
    if (learned === undefined) return undefined;
    const ceiling = this.#ceiling(key);
    const limit = probedLimit(learned.limit, learned.since, now, ceiling.limit, this.#probeEveryMs(ceiling));
    if (limit >= ceiling.limit) {
      this.#learned.delete(key);
      return undefined;
    }
    if (limit !== learned.limiter.limit) {
      // One step up: a limiter at the new limit, which first waits what the old one still asked for.
      const wait = learned.limiter.stats(key).waitMs;
      learned.limiter = this.#limiterAt(limit, ceiling);
      learned.limiter.pause(key, wait);
    }
    return learned;
  }

  /** A 429 on a permit granted at `grantedAt`: lower the key's limit, unless a 429 since that grant already did. */
  #learn(key: string, ceiling: LocalRateLimiter, grantedAt: number, outcome: PermitOutcome): void {
    if (this.#probeEveryWindows === undefined) return;
    const now = this.#now();
    const known = this.#learnedOf(key, now);
    if (known !== undefined && known.since >= grantedAt) return;
    const limit = lowerLimit(ceiling.stats(key).slots, known?.limiter.limit ?? ceiling.limit);
    const limiter = this.#limiterAt(limit, ceiling);
    limiter.pause(key, outcome.retryAfterMs ?? ceiling.windowMs);
    this.#learned.delete(key);
    // Bounded: past `maxKeys` learned keys, the oldest is forgotten (it is back at its configured limit).
    if (this.#learned.size >= this.#maxKeys) this.#learned.delete(this.#learned.keys().next().value ?? "");
    this.#learned.set(key, { limit, since: now, limiter });
  }

  #limiterAt(limit: number, ceiling: LocalRateLimiter): LocalRateLimiter {
    return new LocalRateLimiter({ ...this.#options, limit, windowMs: ceiling.windowMs, marginMs: ceiling.marginMs });
  }

  #probeEveryMs(ceiling: LocalRateLimiter): number {
    return (this.#probeEveryWindows ?? Infinity) * (ceiling.windowMs + ceiling.marginMs);
  }

  #now(): number {
    return this.#clock.now();
  }
}

/** Where an {@link AdaptivePermit} reports a 429 settle. */
interface Teacher {
  learn(key: string, ceiling: LocalRateLimiter, grantedAt: number, outcome: PermitOutcome): void;
}

/** A slot under a key's route limit and, while it has one, under its learned limit; a 429 settle teaches the key. */
class AdaptivePermit implements RateLimitPermit {
  readonly #teacher: Teacher;
  readonly #key: string;
  readonly #ceiling: LocalRateLimiter;
  readonly #first: RateLimitPermit;
  readonly #second: RateLimitPermit | undefined;
  readonly #grantedAt: number;

  constructor(teacher: Teacher, key: string, ceiling: LocalRateLimiter, first: RateLimitPermit, second: RateLimitPermit | undefined, grantedAt: number) {
    this.#teacher = teacher;
    this.#key = key;
    this.#ceiling = ceiling;
    this.#first = first;
    this.#second = second;
    this.#grantedAt = grantedAt;
  }

  settle(outcome?: PermitOutcome): void {
    if (outcome?.status === 429) this.#teacher.learn(this.#key, this.#ceiling, this.#grantedAt, outcome);
    void this.#first.settle(outcome);
    void this.#second?.settle(outcome);
  }

  cancel(): void {
    void this.#first.cancel();
    void this.#second?.cancel();
  }
}

/**
 * Creates an {@link AdaptiveRateLimiter}.
 *
 * @example
 * ```ts
 * import { createAdaptiveLimiter } from "@mly/ratelimit/adaptive";
 *
 * const limiter = createAdaptiveLimiter({ limit: 20, windowMs: 60_000, learn: { probeEveryWindows: 10 } });
 * ```
 */
export function createAdaptiveLimiter(options: AdaptiveRateLimiterOptions): AdaptiveRateLimiter {
  return new AdaptiveRateLimiter(options);
}
