import type { AcquireOptions, Clock, MlyEventListener, PermitOutcome, RateLimitPermit, RateLimiter } from "@mly/auth-core";
import { AbortedError, ConfigError, emitEvent, QueueFullError } from "@mly/auth-core";
import { KeyTable, type TableEntry } from "./_key_table.ts";
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
  /**
   * Receives `limiter.wait` (a caller was granted after waiting, with `durationMs` on `clock`) and
   * `limiter.pause` (`pause` froze a key) events. A listener that throws is ignored.
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

/** A caller waiting in a key's queue: grants it a slot at `now`, the timer that woke the queue having been due at `dueAt`. */
type _Waiter = (now: number, dueAt: number) => void;

/** What a limiter holds for one key. */
interface _Key {
  /** The key. */
  readonly name: string;
  /** The key table's links (see `KeyTable`). */
  list: TableEntry["list"];
  older: TableEntry | undefined;
  newer: TableEntry | undefined;
  /** Callers waiting, first come first served. */
  readonly queue: _Waiter[];
  /** Settled slot times, ascending, from `head` on (the ones before it have left the window). */
  readonly log: number[];
  head: number;
  /** The permits in flight, in grant order. */
  readonly leases: Set<_Permit>;
  /** The time the last grant counts from (even spacing). */
  lastGrant: number;
  pausedUntil: number;
  /** The timer that wakes the queue (possibly fired already). */
  timer?: TimerHandle;
}

function _newKey(name: string, pausedUntil: number): _Key {
  return { name, list: undefined, older: undefined, newer: undefined, queue: [], log: [], head: 0, leases: new Set(), lastGrant: -Infinity, pausedUntil };
}

/** Whether a key has waiters or permits in flight (then it is never evicted). */
function _inUse(state: _Key): boolean {
  return state.queue.length > 0 || state.leases.size > 0;
}

/** Appends a slot to a key's log, keeping it sorted: a slot settled out of order counts from the newest one (counting longer is safe). */
function _appendSlot(log: number[], at: number): void {
  log.push(Math.max(at, log.at(-1) ?? at));
}

/** How a permit reaches its limiter: one object per limiter, so a permit holds no closures. */
interface _PermitEnds {
  settle(permit: _Permit, outcome: PermitOutcome | undefined): void;
  cancel(permit: _Permit): void;
}

/** A granted slot (one object per acquire); settle or cancel ends it, once. */
class _Permit implements RateLimitPermit {
  readonly #ends: _PermitEnds;
  /** Its key. */
  readonly key: _Key;
  /** When it was granted. */
  readonly at: number;
  /** The time its grant counts from (even spacing). */
  readonly grant: number;
  /** The key's `lastGrant` before it (a cancel restores it). */
  readonly previousGrant: number;

  constructor(ends: _PermitEnds, key: _Key, at: number, grant: number, previousGrant: number) {
    this.#ends = ends;
    this.key = key;
    this.at = at;
    this.grant = grant;
    this.previousGrant = previousGrant;
  }

  settle(outcome?: PermitOutcome): void {
    this.#ends.settle(this, outcome);
  }

  cancel(): void {
    this.#ends.cancel(this);
  }
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
  /** How long a settled slot counts: `windowMs + marginMs`. */
  readonly #spanMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #maxQueue: number;
  readonly #maxKeys: number;
  readonly #settleTimeoutMs: number;
  readonly #keys: KeyTable<_Key>;
  readonly #permitEnds: _PermitEnds;
  readonly #onEvent: MlyEventListener | undefined;

  /** Creates a limiter; see {@link RateLimiterOptions}. */
  constructor(options: RateLimiterOptions) {
    const { limit, windowMs } = options;
    const mode = options.mode ?? "even";
    const even = mode === "even";
    const marginMs = options.marginMs ?? (even ? Math.min(1000, windowMs / 50) : Math.min(250, windowMs / 200));
    // `mode` may be anything at run time (plain JavaScript callers).
    const knownMode = even || (mode as string) === "burst";
    if (!(Number.isInteger(limit) && limit > 0 && windowMs > 0 && windowMs < Infinity && marginMs >= 0 && knownMode)) {
      throw new ConfigError("Rate limiter: invalid limit, windowMs, marginMs or mode.");
    }
    this.limit = limit;
    this.windowMs = windowMs;
    this.mode = mode;
    this.marginMs = marginMs;
    this.#spanMs = windowMs + marginMs;
    this.spacingMs = even ? this.#spanMs / limit : 0;
    this.#clock = options.clock ?? preciseClock;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
    this.#onEvent = options.onEvent;
    this.#keys = new KeyTable<_Key>(this.#maxKeys, {
      inUse: (state, now) => {
        this.#settleOverdue(state, now);
        return _inUse(state);
      },
      idleAt: (state) => this.#idleAt(state),
      create: _newKey,
    });
    this.#permitEnds = {
      settle: (permit, outcome) => {
        this.#endPermit(permit, this.#clock.now(), outcome);
      },
      cancel: (permit) => {
        this.#endPermit(permit, undefined, undefined);
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
    if (signal?.aborted === true) return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
    const now = this.#clock.now();
    const state = this.#keys.obtain(key, now);
    if (state === undefined) return Promise.reject(new QueueFullError("(all keys)", this.#maxKeys));
    // The allowed path: nobody waits and a slot is free. One object (the permit) and the promise.
    if (state.queue.length === 0 && this.#waitMs(state, now) === 0) return Promise.resolve(this.#grant(state, now, now));
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
    emitEvent(this.#onEvent, { type: "limiter.pause", key, durationMs: waitMs });
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
    // First: it drops the slots that left the window.
    const waitMs = this.#waitMs(state, now);
    return {
      waitMs,
      queued: state.queue.length,
      inflight: state.leases.size,
      slots: state.log.length - state.head,
      pausedUntil: state.pausedUntil > now ? state.pausedUntil : 0,
    };
  }

  /** Queues a caller that could not be granted at `since`; it is granted by {@link #pump}. */
  #enqueue(state: _Key, since: number, signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    return new Promise((resolve, reject) => {
      const queue = state.queue;
      const onAbort = (): void => {
        // Still queued: the listener is removed on grant.
        queue.splice(queue.indexOf(waiter), 1);
        reject(new AbortedError(undefined, { cause: signal?.reason }));
        this.#pump(state);
        if (!_inUse(state)) this.#keys.touch(state);
      };
      const waiter: _Waiter = (now, dueAt) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.#grant(state, now, Math.max(since, dueAt)));
        emitEvent(this.#onEvent, { type: "limiter.wait", key: state.name, durationMs: now - since });
      };
      signal?.addEventListener("abort", onAbort);
      queue.push(waiter);
      this.#pump(state);
    });
  }

  /**
   * Grants a slot at `now` to a caller that could have had it at `since` (≤ now). Timers fire late
   * (whole milliseconds, a busy event loop): a waiter granted late keeps the slot it was due, so
   * lateness does not add up over a queue. The sliding-log cap is exact anyway.
   */
  #grant(state: _Key, now: number, since: number): _Permit {
    const previousGrant = state.lastGrant;
    const grant = Math.min(now, Math.max(previousGrant + this.spacingMs, since));
    state.lastGrant = grant;
    const permit = new _Permit(this.#permitEnds, state, now, grant, previousGrant);
    state.leases.add(permit);
    return permit;
  }

  /** Ends a permit: settled at `at`, or cancelled (no `at`). A second end, or one after its timeout, does nothing. */
  #endPermit(permit: _Permit, at: number | undefined, outcome: PermitOutcome | undefined): void {
    const state = permit.key;
    if (!state.leases.delete(permit)) return;
    if (at === undefined) this.#giveBack(state, permit);
    else this.#countSlot(state, at, outcome);
    if (state.queue.length > 0) this.#pump(state);
    else if (state.leases.size === 0) this.#keys.touch(state);
  }

  /** A cancel: the request was never sent. Unless another grant came since, the spacing counts from the grant before it. */
  #giveBack(state: _Key, permit: _Permit): void {
    if (state.lastGrant === permit.grant) state.lastGrant = permit.previousGrant;
  }

  /** A settle at `at`: the slot counts from then; server feedback pauses the key (the wait it asked for, or a whole window after a bare 429). */
  #countSlot(state: _Key, at: number, outcome: PermitOutcome | undefined): void {
    _appendSlot(state.log, at);
    const serverWait = outcome?.retryAfterMs ?? (outcome?.status === 429 ? this.windowMs : 0);
    if (serverWait > 0) state.pausedUntil = Math.max(state.pausedUntil, at + serverWait);
  }

  /**
   * Grants waiters, first come first served, while slots are free; then sleeps until the first
   * one could be granted (one timer per key). `dueAt`: when the timer that calls it was due (a
   * timer fires late; the lateness is not the waiter's).
   */
  #pump(state: _Key, dueAt?: number): void {
    const queue = state.queue;
    let now = 0;
    let wait = 0;
    while (queue.length > 0) {
      now = this.#clock.now();
      wait = this.#waitMs(state, now);
      if (wait > 0) break;
      queue.shift()?.(now, dueAt ?? now);
    }
    this.#scheduler.clearTimeout(state.timer);
    if (queue.length > 0) {
      const wakeAt = now + wait;
      state.timer = this.#scheduler.setTimeout(() => {
        this.#pump(state, wakeAt);
      }, Math.ceil(wait));
    }
  }

  /** Ms until a grant is possible on `state` at `now` (0: now). */
  #waitMs(state: _Key, now: number): number {
    const nextDeadline = this.#settleOverdue(state, now);
    this.#dropSlotsOutsideWindow(state, now);
    const until = Math.max(state.pausedUntil, state.lastGrant + this.spacingMs, this.#capFreeAt(state, nextDeadline));
    return Math.max(0, until - now);
  }

  /**
   * Settles, at their deadline, the permits nobody settled in time; returns the next permit's
   * deadline (0: none). (A key this leaves unused stays where it is in the eviction order: the key
   * table finds it when it looks for room.)
   */
  #settleOverdue(state: _Key, now: number): number {
    const leases = state.leases;
    if (leases.size === 0) return 0;
    let deadline = 0;
    for (const lease of leases) {
      deadline = lease.at + this.#settleTimeoutMs;
      if (deadline > now) return deadline;
      leases.delete(lease);
      _appendSlot(state.log, deadline);
    }
    return deadline;
  }

  /** Moves `head` past the slots that left the window; compacts the log once half of it is gone. */
  #dropSlotsOutsideWindow(state: _Key, now: number): void {
    const log = state.log;
    const oldest = now - this.#spanMs;
    let head = state.head;
    while (head < log.length && (log[head] ?? Infinity) <= oldest) head += 1;
    if (head * 2 > log.length) {
      // In place: `splice` would allocate an array of the dropped slots.
      log.copyWithin(0, head);
      log.length -= head;
      head = 0;
    }
    state.head = head;
  }

  /**
   * When the window cap lets one more request in: at once below the cap; at the cap, when the
   * oldest slot that must leave has left the window, or — every one of those being in flight —
   * at the oldest permit's deadline (a settle wakes the queue sooner).
   */
  #capFreeAt(state: _Key, nextDeadline: number): number {
    const over = state.leases.size + state.log.length - state.head - this.limit;
    if (over < 0) return -Infinity;
    const slot = state.log[state.head + over];
    return slot === undefined ? nextDeadline : slot + this.#spanMs;
  }

  /** When `state` (not in use) will have nothing left to honour: its newest slot out of the window, no spacing or pause left. */
  #idleAt(state: _Key): number {
    const windowEnd = (state.log.at(-1) ?? -Infinity) + this.#spanMs;
    return Math.max(state.pausedUntil, state.lastGrant + this.spacingMs, windowEnd);
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
