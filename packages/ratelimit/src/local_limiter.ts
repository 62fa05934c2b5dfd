import { AbortedError, ConfigError, QueueFullError, type AcquireOptions, type Clock, type PermitOutcome, type RateLimitPermit, type RateLimiter } from "@mly/auth-core";
import { _Ring } from "./_ring.ts";
import { preciseClock } from "./precise_clock.ts";
import { systemScheduler, type Scheduler, type TimerHandle } from "./scheduler.ts";

/**
 * How a limiter spends its quota. Both modes cap a key at `limit` slots per `windowMs + marginMs`,
 * each slot timed from when its response arrived (two-phase permits): a server that counts the
 * request anywhere between send and response never sees more than `limit` in its window.
 * - `even` (default): besides, one request every `(windowMs + marginMs) / limit` ms (GCRA with no
 *   burst), so a weighted two-window counter never sees a burst either. Safe against every server
 *   shape (exact sliding log, fixed window, weighted counter) while the network jitter stays below
 *   the margin.
 * - `burst`: an exact sliding log; up to `limit` requests at once. Only for servers known to
 *   count exactly (a weighted counter answers 429s after a burst).
 */
export type RateLimitMode = "even" | "burst";

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed per window (a whole number ≥ 1). */
  limit: number;
  /** The window length in ms. */
  windowMs: number;
  /** `even` (default) or `burst`. */
  mode?: RateLimitMode;
  /**
   * Extra ms added to the window, against server clocks that tick differently or count
   * imprecisely. Default: `min(1000, windowMs / 50)` in even mode, `min(250, windowMs / 200)` in burst mode.
   */
  marginMs?: number;
  /** The clock (default: {@link preciseClock}, monotonic and sub-millisecond). */
  clock?: Clock;
  /** The timers (default: the global `setTimeout`). */
  scheduler?: Scheduler;
  /** Callers that may wait per key before `acquire` throws `QueueFullError` (default 1000). */
  maxQueue?: number;
  /** Keys held at once; idle keys are evicted first, then `acquire` on a new key throws `QueueFullError` (default 10 000). */
  maxKeys?: number;
  /**
   * A permit neither settled nor cancelled after this many ms is settled at that time, so a lost
   * permit cannot hold its key forever (default 60 000).
   */
  settleTimeoutMs?: number;
}

/** What a limiter holds for one key, for tests, metrics and debugging. */
export interface KeyStats {
  /** Callers waiting. */
  readonly queued: number;
  /** Permits granted and not yet settled or cancelled. */
  readonly inflight: number;
  /** Settled slots still inside the window. */
  readonly slots: number;
  /** The key is frozen until this time (ms since the epoch); 0 when not paused. */
  readonly pausedUntil: number;
  /** Ms until the next caller could be granted (0: now). */
  readonly waitMs: number;
}

interface _Waiter {
  resolve: (permit: RateLimitPermit) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  queuedAt: number;
}

interface _KeyState {
  readonly key: string;
  readonly log: _Ring;
  readonly queue: _Waiter[];
  readonly leases: _Permit[];
  inflight: number;
  lastGrant: number;
  grantSeq: number;
  pausedUntil: number;
  timer: TimerHandle;
  timerAt: number;
}

/**
 * An in-process {@link RateLimiter}: per key, a sliding log of slots timed from when each
 * response arrived (two-phase permits), even spacing in `even` mode, a FIFO queue of waiters
 * that can be aborted, a pause on server feedback and bounded memory.
 *
 * @example
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 *
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000 });
 * const permit = await limiter.acquire("GET /v2/buildings/{id}");
 * try {
 *   const response = await fetch("https://api.mapiq.com/v2/buildings/12");
 *   permit.settle({ status: response.status });
 * } catch (error) {
 *   permit.settle();
 *   throw error;
 * }
 * ```
 */
export class LocalRateLimiter implements RateLimiter {
  /** Requests per window. */
  readonly limit: number;
  /** The window length in ms. */
  readonly windowMs: number;
  /** The mode. */
  readonly mode: RateLimitMode;
  /** The margin added to the window, in ms. */
  readonly marginMs: number;
  /** In even mode, the ms between two slots: `(windowMs + marginMs) / limit`; 0 in burst mode. */
  readonly spacingMs: number;
  readonly #span: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #maxQueue: number;
  readonly #maxKeys: number;
  readonly #settleTimeoutMs: number;
  readonly #keys = new Map<string, _KeyState>();

  /** Creates a limiter; see {@link RateLimiterOptions}. */
  constructor(options: RateLimiterOptions) {
    const { limit, windowMs } = options;
    if (!Number.isInteger(limit) || limit < 1) throw new ConfigError(`The rate limit must be a whole number ≥ 1 (got ${String(limit)}).`);
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) throw new ConfigError(`The rate-limit window must be a positive number of ms (got ${String(windowMs)}).`);
    this.limit = limit;
    this.windowMs = windowMs;
    const mode: string = options.mode ?? "even";
    if (mode !== "even" && mode !== "burst") throw new ConfigError(`Unknown rate-limit mode ${JSON.stringify(mode)}: use "even" or "burst".`);
    this.mode = mode;
    this.marginMs = options.marginMs ?? (this.mode === "even" ? Math.min(1000, windowMs / 50) : Math.min(250, windowMs / 200));
    if (!(this.marginMs >= 0)) throw new ConfigError(`The margin must be ≥ 0 ms (got ${String(options.marginMs)}).`);
    this.#span = windowMs + this.marginMs;
    this.spacingMs = this.mode === "even" ? this.#span / limit : 0;
    this.#clock = options.clock ?? preciseClock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  }

  /** How many keys the limiter holds now. */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * Waits for a slot on `key` (FIFO per key) and reserves it. Settle the permit when the response
   * arrives, or cancel it if the request was never sent.
   *
   * @throws {AbortedError} the signal fired before a slot was granted (the place in the queue is given up).
   * @throws {QueueFullError} `maxQueue` callers already wait for this key, or `maxKeys` keys are busy.
   */
  acquire(key: string, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason }));
    const now = this.#clock.now();
    let state: _KeyState;
    try {
      state = this.#state(key, now);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (state.queue.length === 0 && this.#waitMs(state, now) === 0) return Promise.resolve(this.#grant(state, now, now));
    if (state.queue.length >= this.#maxQueue) return Promise.reject(new QueueFullError(key, this.#maxQueue));
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const waiter: _Waiter = { resolve, reject, signal, onAbort: undefined, queuedAt: now };
      if (signal !== undefined) {
        waiter.onAbort = (): void => {
          const index = state.queue.indexOf(waiter);
          if (index >= 0) state.queue.splice(index, 1);
          reject(new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason }));
          this.#pump(state);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      state.queue.push(waiter);
      this.#pump(state);
    });
  }

  /** Freezes `key` for `waitMs` (a server's `Retry-After`); a longer pause already set wins. */
  pause(key: string, waitMs: number): void {
    if (!(waitMs > 0)) return;
    const now = this.#clock.now();
    // Server feedback is never dropped: a pause may hold a key beyond maxKeys.
    const state = this.#state(key, now, true);
    state.pausedUntil = Math.max(state.pausedUntil, now + waitMs);
    this.#pump(state);
  }

  /** What the limiter holds for `key` (without creating it). */
  stats(key: string): KeyStats {
    const state = this.#keys.get(key);
    if (state === undefined) return { queued: 0, inflight: 0, slots: 0, pausedUntil: 0, waitMs: 0 };
    const now = this.#clock.now();
    const waitMs = this.#waitMs(state, now);
    return { queued: state.queue.length, inflight: state.inflight, slots: state.log.size, pausedUntil: state.pausedUntil > now ? state.pausedUntil : 0, waitMs };
  }

  #state(key: string, now: number, force = false): _KeyState {
    const existing = this.#keys.get(key);
    if (existing !== undefined) return existing;
    if (this.#keys.size >= this.#maxKeys) {
      this.#evictIdle(now);
      if (this.#keys.size >= this.#maxKeys && !force) throw new QueueFullError("(every rate-limit key)", this.#maxKeys);
    }
    const state: _KeyState = {
      key,
      log: new _Ring(Math.min(this.limit + 1, 64)),
      queue: [],
      leases: [],
      inflight: 0,
      lastGrant: Number.NEGATIVE_INFINITY,
      grantSeq: 0,
      pausedUntil: 0,
      timer: undefined,
      timerAt: 0,
    };
    this.#keys.set(key, state);
    return state;
  }

  /** Drops every key whose state no longer matters: nothing queued or in flight, no pause, its slots all out of the window. */
  #evictIdle(now: number): void {
    for (const [key, state] of this.#keys) {
      if (this.#isIdle(state, now)) this.#keys.delete(key);
    }
  }

  #isIdle(state: _KeyState, now: number): boolean {
    this.#expireLeases(state, now);
    state.log.dropUpTo(now - this.#span);
    return (
      state.queue.length === 0 &&
      state.inflight === 0 &&
      state.log.size === 0 &&
      state.pausedUntil <= now &&
      state.lastGrant + this.spacingMs <= now
    );
  }

  /** Settles, at their deadline, the permits nobody settled in time. */
  #expireLeases(state: _KeyState, now: number): void {
    const leases = state.leases;
    while (leases.length > 0) {
      const first = leases[0];
      if (first === undefined) break;
      if (first._done) {
        leases.shift();
      } else if (first._grantedAt + this.#settleTimeoutMs <= now) {
        leases.shift();
        this._settle(first, first._grantedAt + this.#settleTimeoutMs, undefined, false);
      } else {
        break;
      }
    }
  }

  /** Ms until a grant is possible on `state` at `now` (0: now). */
  #waitMs(state: _KeyState, now: number): number {
    this.#expireLeases(state, now);
    const log = state.log;
    log.dropUpTo(now - this.#span);
    let wait = state.pausedUntil - now;
    const count = state.inflight + log.size;
    if (count >= this.limit) {
      const index = count - this.limit;
      if (index < log.size) {
        wait = Math.max(wait, log.at(index) + this.#span - now);
      } else {
        // Every slot is in flight: a settle wakes the queue; otherwise the oldest lease runs out.
        const lease = state.leases.find((permit) => !permit._done);
        wait = Math.max(wait, lease === undefined ? 0 : lease._grantedAt + this.#settleTimeoutMs - now);
      }
    }
    if (this.spacingMs > 0) wait = Math.max(wait, state.lastGrant + this.spacingMs - now);
    return wait > 0 ? wait : 0;
  }

  /** Grants a slot at `now` to a caller that could have had it at `since` (≤ now). */
  #grant(state: _KeyState, now: number, since: number): _Permit {
    state.grantSeq += 1;
    const permit = new _Permit(this, state, now, state.lastGrant, state.grantSeq);
    // Timers fire late (whole milliseconds, a busy event loop): a waiter granted late keeps the
    // slot it was due, so lateness does not add up over a queue. The sliding-log cap is exact anyway.
    const due = state.lastGrant + this.spacingMs;
    state.lastGrant = this.spacingMs > 0 ? Math.min(now, Math.max(due, since)) : now;
    state.inflight += 1;
    state.leases.push(permit);
    return permit;
  }

  /**
   * Grants waiters while slots are free, then sleeps until the next one could be. `wokeAt`: when
   * the timer that calls it was due (a timer fires late; the lateness is not the waiter's).
   */
  #pump(state: _KeyState, wokeAt?: number): void {
    const queue = state.queue;
    while (queue.length > 0) {
      const now = this.#clock.now();
      const wait = this.#waitMs(state, now);
      if (wait > 0) {
        const at = now + wait;
        if (state.timer !== undefined) {
          if (state.timerAt === at) return;
          this.#scheduler.clearTimeout(state.timer);
        }
        state.timerAt = at;
        state.timer = this.#scheduler.setTimeout(() => {
          state.timer = undefined;
          this.#pump(state, at);
        }, Math.max(1, Math.ceil(wait)));
        return;
      }
      const waiter = queue.shift();
      if (waiter === undefined) break;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve(this.#grant(state, now, Math.max(waiter.queuedAt, wokeAt ?? now)));
    }
    if (state.timer !== undefined) {
      this.#scheduler.clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  /** @internal Settles `permit` at `at`. */
  _settle(permit: _Permit, at: number, outcome: PermitOutcome | undefined, pump: boolean): void {
    if (permit._done) return;
    permit._done = true;
    const state = permit._state;
    state.inflight -= 1;
    // Keep the log sorted: a late lease deadline counts from the newest slot (counting longer is safe).
    const slot = Math.max(at, state.log.last());
    state.log.push(slot);
    if (outcome !== undefined) {
      const wait = outcome.retryAfterMs ?? (outcome.status === 429 ? this.windowMs : 0);
      if (wait > 0) state.pausedUntil = Math.max(state.pausedUntil, at + wait);
    }
    if (pump && state.queue.length > 0) this.#pump(state);
  }

  /** @internal Gives `permit`'s slot back. */
  _cancel(permit: _Permit): void {
    if (permit._done) return;
    permit._done = true;
    const state = permit._state;
    state.inflight -= 1;
    if (state.grantSeq === permit._seq) {
      state.lastGrant = permit._previousGrant;
      state.grantSeq -= 1;
    }
    if (state.queue.length > 0) this.#pump(state);
  }

  /** @internal The limiter's clock. */
  _now(): number {
    return this.#clock.now();
  }
}

/** A permit of a {@link LocalRateLimiter}. */
class _Permit implements RateLimitPermit {
  _done = false;
  readonly _limiter: LocalRateLimiter;
  readonly _state: _KeyState;
  readonly _grantedAt: number;
  readonly _previousGrant: number;
  readonly _seq: number;

  constructor(limiter: LocalRateLimiter, state: _KeyState, grantedAt: number, previousGrant: number, seq: number) {
    this._limiter = limiter;
    this._state = state;
    this._grantedAt = grantedAt;
    this._previousGrant = previousGrant;
    this._seq = seq;
  }

  settle(outcome?: PermitOutcome): void {
    this._limiter._settle(this, this._limiter._now(), outcome, true);
  }

  cancel(): void {
    this._limiter._cancel(this);
  }
}

/**
 * Creates an in-process {@link RateLimiter} (see {@link LocalRateLimiter}).
 *
 * @example
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 *
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000, mode: "even" });
 * const permit = await limiter.acquire("GET /v2/buildings");
 * permit.settle({ status: 200 });
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): LocalRateLimiter {
  return new LocalRateLimiter(options);
}
