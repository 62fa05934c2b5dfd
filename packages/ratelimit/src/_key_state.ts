import type { PermitOutcome } from "@mly/auth-core";
import type { TableEntry } from "./_key_table.ts";
import { LinkedList } from "./_linked_list.ts";
import { Permit, type PermitOwner } from "./_permit.ts";
import { SlotLog } from "./_slot_log.ts";
import type { TimerHandle } from "@mly/auth-core";

/** The quota every key of a limiter runs by (its options, resolved). */
export interface Quota {
  /** Slots per window. */
  readonly limit: number;
  /** The window length in ms (a bare 429 pauses a key that long). */
  readonly windowMs: number;
  /** How long a settled slot counts: `windowMs + marginMs`. */
  readonly spanMs: number;
  /** The ms between two grants in even mode; 0 in burst mode. */
  readonly spacingMs: number;
  /** A permit neither settled nor cancelled this many ms after its grant is settled then. */
  readonly settleTimeoutMs: number;
}

/** A caller waiting in a key's queue: grants it a slot at `now`, the timer that woke the queue having been due at `dueAt`. */
export type Waiter = (now: number, dueAt: number) => void;

/**
 * What a limiter holds for one key, and the rules of when the key may grant: its settled slots
 * (a sliding log), its permits in flight, its last grant (even spacing), its pause, and the
 * callers waiting for it. Pure bookkeeping: the caller passes the time.
 */
export class KeyState implements TableEntry<KeyState> {
  /** The key (another one after a {@link reset}). */
  name: string;
  readonly #quota: Quota;
  /** The key table's links (see `KeyTable`). */
  list: LinkedList<KeyState> | undefined = undefined;
  older: KeyState | undefined = undefined;
  newer: KeyState | undefined = undefined;
  /** Callers waiting, first come first served. */
  readonly queue: Waiter[] = [];
  /** The settled slots still in the window (and maybe a few that left it: {@link waitMs} drops them). */
  readonly log: SlotLog = new SlotLog();
  /** The permits granted and not yet ended, in grant order. */
  readonly inflight: LinkedList<Permit> = new LinkedList<Permit>();
  /** The time the last grant counts from (even spacing). */
  lastGrant: number;
  /** No grant before this time (a server's pause); 0 or a past time when not paused. */
  pausedUntil: number;
  /** The timer that wakes the queue (possibly fired already). */
  timer: TimerHandle = undefined;

  /** A key that must not grant before `pausedUntil` (0: no wait). */
  constructor(name: string, quota: Quota, pausedUntil: number) {
    this.name = name;
    this.#quota = quota;
    this.lastGrant = -Infinity;
    this.pausedUntil = pausedUntil;
  }

  /**
   * Makes this state, of an evicted key with no waiter and no permit in flight, the state of the
   * new key `name`, as the constructor would. A late settle or cancel of a permit of the old key
   * finds it out of `inflight` and does nothing.
   */
  reset(name: string, pausedUntil: number): void {
    this.name = name;
    this.log.clear();
    this.lastGrant = -Infinity;
    this.pausedUntil = pausedUntil;
  }

  /** Whether the key has waiters or permits in flight (then it is never evicted). */
  get inUse(): boolean {
    return this.queue.length > 0 || this.inflight.size > 0;
  }

  /** Whether the key is in use at `now`, once the permits past their timeout are settled. */
  inUseAt(now: number): boolean {
    this.settleOverdue(now);
    return this.inUse;
  }

  /**
   * Ms until a grant is possible at `now` (0: now): the latest of the pause, the spacing after
   * the last grant and the window cap. First settles the permits past their timeout and drops
   * the slots that left the window.
   */
  waitMs(now: number): number {
    const nextDeadline = this.settleOverdue(now);
    this.log.dropUntil(now - this.#quota.spanMs);
    const freeAt = Math.max(this.pausedUntil, this.lastGrant + this.#quota.spacingMs, this.#capFreeAt(nextDeadline));
    return freeAt > now ? freeAt - now : 0;
  }

  /**
   * Grants a slot at `now` to a caller that could have had it at `since` (≤ now). Timers fire
   * late (whole milliseconds, a busy event loop): a waiter granted late keeps the slot it was
   * due, so lateness does not add up over a queue. The window cap is exact anyway.
   */
  grant(owner: PermitOwner, now: number, since: number): Permit {
    const previousGrant = this.lastGrant;
    this.lastGrant = Math.min(now, Math.max(previousGrant + this.#quota.spacingMs, since));
    const permit = new Permit(owner, this, now, this.lastGrant, previousGrant);
    this.inflight.append(permit);
    return permit;
  }

  /**
   * Ends `permit` with a settle at `at`: its slot counts from then, and server feedback pauses
   * the key. Returns `false` (and does nothing) if the permit had ended already.
   */
  settle(permit: Permit, at: number, outcome: PermitOutcome | undefined): boolean {
    if (!this.inflight.remove(permit)) return false;
    this.log.append(at);
    const serverWait = outcome === undefined ? 0 : this.#serverWait(outcome);
    if (serverWait > 0) this.pauseUntil(at + serverWait);
    return true;
  }

  /**
   * Ends `permit` with a cancel: the request was never sent, so no slot counts, and unless
   * another grant came since, the spacing counts from the grant before it. Returns `false` (and
   * does nothing) if the permit had ended already.
   */
  cancel(permit: Permit): boolean {
    if (!this.inflight.remove(permit)) return false;
    if (this.lastGrant === permit.grant) this.lastGrant = permit.previousGrant;
    return true;
  }

  /** No grant before `until`; a longer pause already set wins. */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
  }

  /**
   * Settles, at their deadline, the permits nobody ended in time; returns the deadline of the
   * oldest permit left in flight (`Infinity`: none).
   */
  settleOverdue(now: number): number {
    for (let permit = this.inflight.oldest; permit !== undefined; permit = this.inflight.oldest) {
      const deadline = permit.grantedAt + this.#quota.settleTimeoutMs;
      if (deadline > now) return deadline;
      this.settle(permit, deadline, undefined);
    }
    return Infinity;
  }

  /** When the key (not in use) will have nothing left to honour: its newest slot out of the window, no spacing or pause left. */
  idleAt(): number {
    return Math.max(this.pausedUntil, this.lastGrant + this.#quota.spacingMs, this.log.newest + this.#quota.spanMs);
  }

  /** The wait a server asked for in `outcome`: its `retryAfterMs`, or a whole window after a bare 429. */
  #serverWait(outcome: PermitOutcome): number {
    return outcome.retryAfterMs ?? (outcome.status === 429 ? this.#quota.windowMs : 0);
  }

  /**
   * When the window cap lets one more request in. Settled slots leave the window oldest first,
   * and every permit in flight leaves after all of them (it settles later). Below the cap: at
   * once. At the cap: when the slot whose leaving brings the count below `limit` has left; if
   * that one is still in flight, at the oldest permit's deadline, `nextDeadline` (a settle
   * wakes the queue sooner).
   */
  #capFreeAt(nextDeadline: number): number {
    const over = this.inflight.size + this.log.size - this.#quota.limit;
    if (over < 0) return -Infinity;
    return over < this.log.size ? this.log.at(over) + this.#quota.spanMs : nextDeadline;
  }
}
