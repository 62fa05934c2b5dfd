import type { AcquireOptions, Clock, PermitOutcome, RateLimitPermit, RateLimiter } from "@mly/auth-core";
import { AbortedError, ConfigError, QueueFullError } from "./_core.ts";
import { KeyTable } from "./_key_table.ts";
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
  /**
   * Keys held at once (default 10 000). Past it, a new key evicts the least recently used key
   * that has no waiters and no permit in flight; what that key still had to honour (slots in its
   * window, a pause) is remembered in a fixed-size table so it is honoured if the key comes back.
   * When every key has waiters or permits in flight, `acquire` on a new key throws
   * `QueueFullError`. O(1) amortised per call at any number of keys; memory bounded.
   */
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

/** A caller waiting in a key's queue: grants it a slot at `now`, the timer that woke the queue being due at `wokeAt`. */
type _Waiter = (now: number, wokeAt: number) => void;

/** A permit granted and not yet settled or cancelled. */
interface _Lease extends RateLimitPermit {
  /** When it was granted. */
  at: number;
}

/** What a limiter holds for one key. */
interface _Key {
  /** The key. */
  readonly name: string;
  /** Out of the key table's eviction order while in use (see `KeyTable`). */
  parked: boolean;
  /** Callers waiting, FIFO. */
  queue: _Waiter[];
  /** Settled slot times, ascending, from `head` on (the ones before it left the window). */
  log: number[];
  head: number;
  /** The permits in flight, in grant order. */
  leases: Set<_Lease>;
  lastGrant: number;
  pausedUntil: number;
  /** The timer that wakes the queue (possibly fired already). */
  timer?: TimerHandle;
}

const _key = (name: string, pausedUntil: number): _Key => ({ name, parked: false, queue: [], log: [], head: 0, leases: new Set(), lastGrant: -Infinity, pausedUntil });

/** Whether a key has waiters or permits in flight (then it is never evicted). */
const _inUse = (state: _Key): boolean => state.queue.length > 0 || state.leases.size > 0;

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
  // `declare`: assigned in the constructor, so no class-field boilerplate in the output.
  /** Requests per window. */
  declare readonly limit: number;
  /** The window length in ms. */
  declare readonly windowMs: number;
  /** The mode. */
  declare readonly mode: RateLimitMode;
  /** The margin added to the window, in ms. */
  declare readonly marginMs: number;
  /** In even mode, the ms between two slots: `(windowMs + marginMs) / limit`; 0 in burst mode. */
  declare readonly spacingMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #maxQueue: number;
  readonly #maxKeys: number;
  readonly #settleTimeoutMs: number;
  readonly #keys: KeyTable<_Key>;

  /** Creates a limiter; see {@link RateLimiterOptions}. */
  constructor(options: RateLimiterOptions) {
    const { limit, windowMs, mode = "even" } = options;
    const even = mode === "even";
    const margin = options.marginMs ?? Math.min(even ? 1000 : 250, windowMs / (even ? 50 : 200));
    // `mode` may be anything at run time (plain JavaScript callers).
    if (!(limit % 1 === 0 && limit > 0 && windowMs > 0 && windowMs < Infinity && margin >= 0 && (even || (mode as string) === "burst"))) {
      throw new ConfigError("Rate limiter: invalid limit, windowMs, marginMs or mode.");
    }
    this.limit = limit;
    this.windowMs = windowMs;
    this.mode = mode;
    this.marginMs = margin;
    this.spacingMs = even ? (windowMs + margin) / limit : 0;
    this.#clock = options.clock ?? preciseClock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
    this.#keys = new KeyTable<_Key>(this.#maxKeys, {
      inUse: (state, now) => {
        this.#settleOverdue(state, now);
        return _inUse(state);
      },
      idleAt: (state) => this.#idleAt(state),
      create: _key,
    });
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
   * @throws {QueueFullError} `maxQueue` callers already wait for this key, or `maxKeys` keys are busy.
   */
  acquire(key: string, { signal }: AcquireOptions = {}): Promise<RateLimitPermit> {
    // A throw in the executor rejects the promise.
    return new Promise((grant, reject) => {
      if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
      const now = this.#clock.now();
      const state = this.#keys.obtain(key, now);
      if (state === undefined) throw new QueueFullError("(all keys)", this.#maxKeys);
      const queue = state.queue;
      if (!queue.length && !this.#waitMs(state, now)) {
        grant(this.#grant(state, now, now));
        return;
      }
      if (queue.length >= this.#maxQueue) throw new QueueFullError(key, this.#maxQueue);
      const abort = (): void => {
        // Still queued: the listener goes on grant.
        queue.splice(queue.indexOf(waiter), 1);
        reject(new AbortedError(undefined, { cause: signal?.reason }));
        this.#pump(state);
        if (!_inUse(state)) this.#keys.touch(state);
      };
      const waiter: _Waiter = (at, wokeAt) => {
        signal?.removeEventListener("abort", abort);
        grant(this.#grant(state, at, Math.max(now, wokeAt)));
      };
      signal?.addEventListener("abort", abort);
      queue.push(waiter);
      this.#pump(state);
    });
  }

  /**
   * Freezes `key` for `waitMs` (a server's `Retry-After`); a longer pause already set wins. A
   * pause is never dropped: on a key that cannot be held (every key in use) it is remembered in
   * the fixed-size table of waits.
   */
  pause(key: string, waitMs: number): void {
    if (!(waitMs > 0)) return;
    const now = this.#clock.now();
    const until = now + waitMs;
    const state = this.#keys.obtain(key, now);
    if (state === undefined) {
      this.#keys.remember(key, until);
      return;
    }
    state.pausedUntil = Math.max(state.pausedUntil, until);
    this.#keys.touch(state);
    this.#pump(state);
  }

  /** What the limiter holds for `key` (without creating it). */
  stats(key: string): KeyStats {
    const state = this.#keys.peek(key);
    const now = this.#clock.now();
    // `waitMs` first: it drops the slots that left the window.
    return {
      waitMs: this.#waitMs(state, now),
      queued: state.queue.length,
      inflight: state.leases.size,
      slots: state.log.length - state.head,
      pausedUntil: state.pausedUntil > now ? state.pausedUntil : 0,
    };
  }

  /** When `state` (not in use) will have nothing left to honour: its newest slot out of the window, no spacing or pause left. */
  #idleAt(state: _Key): number {
    const log = state.log;
    const newestSlot = (log[log.length - 1] ?? -Infinity) + this.windowMs + this.marginMs;
    return Math.max(state.pausedUntil, state.lastGrant + this.spacingMs, newestSlot);
  }

  /**
   * Settles, at their deadline, the permits nobody settled in time; returns the next permit's
   * deadline (0: none). (A key this leaves unused stays where it is in the eviction order: the key
   * table finds it when it looks for room.)
   */
  #settleOverdue(state: _Key, now: number): number {
    const { log, leases } = state;
    let deadline = 0;
    for (const lease of leases) {
      deadline = lease.at + this.#settleTimeoutMs;
      if (deadline > now) return deadline;
      leases.delete(lease);
      // Keep the log sorted: a late deadline counts from the newest slot (counting longer is safe).
      log.push(Math.max(deadline, log[log.length - 1] ?? deadline));
    }
    return deadline;
  }

  /** Ms until a grant is possible on `state` at `now` (0: now). */
  #waitMs(state: _Key, now: number): number {
    const { log, leases } = state;
    const span = this.windowMs + this.marginMs;
    const deadline = this.#settleOverdue(state, now);
    // Drop the slots that left the window; compact the log once half of it is gone.
    while ((log[state.head] ?? Infinity) <= now - span) state.head += 1;
    if (state.head * 2 > log.length) {
      log.splice(0, state.head);
      state.head = 0;
    }
    const over = leases.size + log.length - state.head - this.limit;
    // At the limit: until the oldest slot that must leave has left the window; when every one of
    // those is in flight, until the oldest lease's deadline (a settle wakes the queue sooner).
    // (Index the log only then: a negative index is a slow property lookup.)
    const slot = over < 0 ? -Infinity : log[state.head + over];
    const wait = Math.max(state.pausedUntil, state.lastGrant + this.spacingMs, slot === undefined ? deadline : slot + span);
    return Math.max(0, wait - now);
  }

  /** Grants a slot at `now` to a caller that could have had it at `since` (≤ now). */
  #grant(state: _Key, now: number, since: number): RateLimitPermit {
    const prev = state.lastGrant;
    // Timers fire late (whole milliseconds, a busy event loop): a waiter granted late keeps the
    // slot it was due, so lateness does not add up over a queue. The sliding-log cap is exact anyway.
    const mine = (state.lastGrant = Math.min(now, Math.max(prev + this.spacingMs, since)));
    // Settles the permit at `at`, or cancels it (no `at`): the slot is given back.
    const end = (at?: number, outcome?: PermitOutcome): void => {
      if (state.leases.delete(permit)) {
        if (at === undefined) {
          // No later grant: the spacing counts from the one before.
          if (state.lastGrant === mine) state.lastGrant = prev;
        } else {
          const log = state.log;
          log.push(Math.max(at, log[log.length - 1] ?? at));
          // Server feedback: a wait it asked for, or a whole window after a bare 429.
          state.pausedUntil = Math.max(state.pausedUntil, at + (outcome?.retryAfterMs ?? (outcome?.status === 429 ? this.windowMs : 0)));
        }
        if (state.queue.length) this.#pump(state);
        else if (!state.leases.size) this.#keys.touch(state);
      }
    };
    const permit: _Lease = {
      at: now,
      settle: (outcome) => {
        end(this.#clock.now(), outcome);
      },
      cancel: end,
    };
    state.leases.add(permit);
    return permit;
  }

  /**
   * Grants waiters while slots are free, then sleeps until the next one could be. `wokeAt`: when
   * the timer that calls it was due (a timer fires late; the lateness is not the waiter's).
   */
  #pump(state: _Key, wokeAt?: number): void {
    const queue = state.queue;
    let now = 0;
    let wait = 0;
    for (let waiter = queue[0]; waiter && (wait = this.#waitMs(state, (now = this.#clock.now()))) === 0; waiter = queue[0]) {
      queue.shift();
      waiter(now, wokeAt ?? now);
    }
    // One timer per key, re-armed for the first waiter (a wait > 0 ms).
    this.#scheduler.clearTimeout(state.timer);
    if (queue.length) {
      const at = now + wait;
      state.timer = this.#scheduler.setTimeout(() => {
        this.#pump(state, at);
      }, Math.ceil(wait));
    }
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
