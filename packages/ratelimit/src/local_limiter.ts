import type { AcquireOptions, Clock, MlyEventListener, PermitOutcome, RateLimitPermit, RateLimiter } from "@mly/auth-core";
import { AbortedError, ConfigError, emitEvent, preciseClock, QueueFullError } from "@mly/auth-core";
import { KeyState, type Quota, type Waiter } from "./_key_state.ts";
import { KeyTable } from "./_key_table.ts";
import type { Permit, PermitOwner } from "./_permit.ts";

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
  /**
   * How the quota is spent: evenly spaced, or in bursts (see {@link RateLimitMode}).
   *
   * @default {"even"}
   */
  mode?: RateLimitMode;
  /**
   * Extra ms added to the window, against server clocks that tick differently or count
   * imprecisely. In even mode it also bounds the network jitter a weighted two-window counter
   * tolerates (see {@link RateLimitMode}): the default, 1 % of the window, is 600 ms on Mapiq's
   * 60 s window, twice the 20–300 ms one-way delay measured against it.
   *
   * @default {mode === "even" ? Math.min(1000, windowMs / 100) : Math.min(250, windowMs / 200)}
   */
  marginMs?: number;
  /**
   * The clock the limiter reads and waits on: the default is monotonic and sub-millisecond; a
   * manual clock (`@mly/auth-core/testing`) drives it in tests.
   *
   * @default {preciseClock}
   */
  clock?: Clock;
  /**
   * Callers that may wait per key before `acquire` throws `QueueFullError`.
   *
   * @default {1000}
   */
  maxQueue?: number;
  /**
   * Keys held at once. Past it, a new key evicts the least recently used key that has no
   * waiters and no permit in flight; what that key still had to honour (slots in its window, a
   * pause) is remembered in a fixed-size table so it is honoured if the key comes back. When
   * every key has waiters or permits in flight, `acquire` on a new key throws `QueueFullError`.
   * O(1) amortised per call at any number of keys; memory bounded.
   *
   * @default {10_000}
   */
  maxKeys?: number;
  /**
   * A permit neither settled nor cancelled after this many ms is settled at that time, so a lost
   * permit cannot hold its key forever.
   *
   * @default {60_000}
   */
  settleTimeoutMs?: number;
  /**
   * Receives `limiter.wait` (a caller was granted after waiting, with `durationMs` on `clock`) and
   * `limiter.pause` (`pause` froze a key) events. A listener that throws is ignored. None by
   * default: no event is built.
   *
   * @default {undefined}
   */
  onEvent?: MlyEventListener | undefined;
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

/**
 * An in-process {@link RateLimiter}: per key, a sliding log of slots timed from when each
 * response arrived (two-phase permits), even spacing in `even` mode, a FIFO queue of waiters
 * that can be aborted, a pause on server feedback and bounded memory.
 *
 * The allowed path (nobody waits, a slot is free) allocates the permit and the already-resolved
 * promise the caller awaits, nothing else: the permit's methods are on its prototype, permits in
 * flight are linked through the permits themselves, and the slot log is a ring buffer.
 *
 * @example Time each slot from the response
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
  readonly #clock: Clock;
  readonly #maxQueue: number;
  readonly #maxKeys: number;
  readonly #onEvent: MlyEventListener | undefined;
  readonly #keys: KeyTable<KeyState>;
  readonly #permitOwner: PermitOwner;

  /** Creates a limiter; see {@link RateLimiterOptions}. */
  constructor(options: RateLimiterOptions) {
    const { limit, windowMs } = options;
    const mode = options.mode ?? "even";
    const marginMs = options.marginMs ?? defaultMarginMs(mode, windowMs);
    assertUsable(limit, windowMs, marginMs, mode);
    this.limit = limit;
    this.windowMs = windowMs;
    this.mode = mode;
    this.marginMs = marginMs;
    const spanMs = windowMs + marginMs;
    this.spacingMs = mode === "even" ? spanMs / limit : 0;
    this.#clock = options.clock ?? preciseClock;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#onEvent = options.onEvent;
    const quota: Quota = { limit, windowMs, spanMs, spacingMs: this.spacingMs, settleTimeoutMs: options.settleTimeoutMs ?? 60_000 };
    this.#keys = new KeyTable<KeyState>(this.#maxKeys, (name, waitUntil) => new KeyState(name, quota, waitUntil));
    this.#permitOwner = {
      settle: (permit, outcome) => {
        this.#settle(permit, outcome);
      },
      cancel: (permit) => {
        this.#cancel(permit);
      },
    };
  }

  /** How many keys the limiter holds now (at most `maxKeys`). */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * Waits for a slot on `key` (FIFO per key) and reserves it. Settle the permit when the response
   * arrives, or cancel it if the request was never sent.
   *
   * @throws {AbortedError} the signal fired before a slot was granted (the place in the queue is given up).
   * @throws {QueueFullError} `maxQueue` callers already wait for this key, or every one of `maxKeys` keys has waiters or permits in flight.
   */
  acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit> {
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(abortedBy(signal));
    const now = this.#clock.now();
    const state = this.#keys.obtain(key, now);
    if (state === undefined) return Promise.reject(new QueueFullError("(all keys)", this.#maxKeys));
    // The allowed path: nobody waits and a slot is free.
    if (state.queue.length === 0 && state.waitMs(now) === 0) return Promise.resolve(state.grant(this.#permitOwner, now, now));
    if (state.queue.length >= this.#maxQueue) return Promise.reject(new QueueFullError(key, this.#maxQueue));
    return this.#enqueue(state, now, signal);
  }

  /**
   * Freezes `key` for `waitMs` (a server's `Retry-After`); a longer pause already set wins. A
   * pause is never dropped: on a key that cannot be held (every key in use) it is remembered in
   * the fixed-size table of waits.
   */
  pause(key: string, waitMs: number): void {
    if (!(waitMs > 0)) return;
    if (this.#onEvent !== undefined) emitEvent(this.#onEvent, { type: "limiter.pause", key, durationMs: waitMs });
    const now = this.#clock.now();
    const state = this.#keys.obtain(key, now);
    if (state === undefined) {
      this.#keys.remember(key, now + waitMs);
      return;
    }
    state.pauseUntil(now + waitMs);
    this.#keys.touch(state);
    this.#pump(state);
  }

  /** What the limiter holds for `key` (without creating it). */
  stats(key: string): KeyStats {
    const state = this.#keys.peek(key);
    const now = this.#clock.now();
    // First: it settles overdue permits and drops the slots that left the window.
    const waitMs = state.waitMs(now);
    return {
      waitMs,
      queued: state.queue.length,
      inflight: state.inflight.size,
      slots: state.log.size,
      pausedUntil: state.pausedUntil > now ? state.pausedUntil : 0,
    };
  }

  /** Queues a caller that could not be granted at `since`; {@link #pump} grants it. */
  #enqueue(state: KeyState, since: number, signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    return new Promise((resolve, reject) => {
      const giveUpPlace = (): void => {
        // Still queued: the listener is removed on grant.
        state.queue.splice(state.queue.indexOf(waiter), 1);
        reject(abortedBy(signal));
        this.#pump(state);
        if (!state.inUse) this.#keys.touch(state);
      };
      const waiter: Waiter = (now, dueAt) => {
        signal?.removeEventListener("abort", giveUpPlace);
        resolve(state.grant(this.#permitOwner, now, Math.max(since, dueAt)));
        if (this.#onEvent !== undefined) emitEvent(this.#onEvent, { type: "limiter.wait", key: state.name, durationMs: now - since });
      };
      signal?.addEventListener("abort", giveUpPlace);
      state.queue.push(waiter);
      this.#pump(state);
    });
  }

  /** A permit was settled: its slot counts from now. */
  #settle(permit: Permit, outcome: PermitOutcome | undefined): void {
    const state = permit.key;
    if (state.settle(permit, this.#clock.now(), outcome)) this.#afterPermitEnded(state);
  }

  /** A permit was cancelled: its slot comes back. */
  #cancel(permit: Permit): void {
    const state = permit.key;
    if (state.cancel(permit)) this.#afterPermitEnded(state);
  }

  /** A permit ended: the queue may move on; a key no longer in use counts as just used. */
  #afterPermitEnded(state: KeyState): void {
    if (state.queue.length > 0) this.#pump(state);
    else if (state.inflight.size === 0) this.#keys.touch(state);
  }

  /**
   * Grants waiters, first come first served, while slots are free; then sleeps until the first
   * one could be granted (one timer per key). `dueAt`: when the timer that calls it was due (a
   * timer fires late; the lateness is not the waiter's).
   */
  #pump(state: KeyState, dueAt?: number): void {
    const queue = state.queue;
    let now = 0;
    let wait = 0;
    while (queue.length > 0) {
      now = this.#clock.now();
      wait = state.waitMs(now);
      if (wait > 0) break;
      queue.shift()?.(now, dueAt ?? now);
    }
    this.#clock.clearTimeout(state.timer);
    state.timer = undefined;
    if (queue.length > 0) this.#wakeLater(state, now + wait, wait);
  }

  /** Sets the timer that pumps `state`'s queue at `wakeAt`, `wait` ms from now. */
  #wakeLater(state: KeyState, wakeAt: number, wait: number): void {
    state.timer = this.#clock.setTimeout(() => {
      this.#pump(state, wakeAt);
    }, Math.ceil(wait));
  }
}

/** The margin added to the window when none is given: 1 % (at most 1 s) in even mode, 0.5 % (at most 250 ms) in burst mode. */
function defaultMarginMs(mode: RateLimitMode, windowMs: number): number {
  return mode === "even" ? Math.min(1000, windowMs / 100) : Math.min(250, windowMs / 200);
}

/** Throws `ConfigError` unless the options make a usable quota (`mode` may be anything at run time: plain JavaScript callers). */
function assertUsable(limit: number, windowMs: number, marginMs: number, mode: string): void {
  const usable = Number.isInteger(limit) && limit > 0 && windowMs > 0 && windowMs < Infinity && marginMs >= 0 && (mode === "even" || mode === "burst");
  if (!usable) throw new ConfigError("Rate limiter: invalid limit, windowMs, marginMs or mode.");
}

/** The error of an acquire given up because `signal` fired. */
function abortedBy(signal: AbortSignal | undefined): AbortedError {
  return new AbortedError(undefined, { cause: signal?.reason });
}

/**
 * Creates an in-process {@link RateLimiter} (see {@link LocalRateLimiter}).
 *
 * @example Twenty requests per minute, evenly spaced
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 *
 * const limiter = createRateLimiter({ limit: 20, windowMs: 60_000, mode: "even" });
 * const permit = await limiter.acquire("GET /v2/buildings");
 * permit.settle({ status: 200 });
 * ```
 *
 * @example Cancel a slot the request never used
 * ```ts
 * import { createRateLimiter } from "@mly/ratelimit";
 *
 * const limiter = createRateLimiter({ limit: 5, windowMs: 1_000, mode: "burst" });
 * const permit = await limiter.acquire("GET /v2/floors", { signal: AbortSignal.timeout(5_000) });
 * permit.cancel(); // nothing was sent: the slot comes back
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): LocalRateLimiter {
  return new LocalRateLimiter(options);
}
