import type { PermitOutcome, RateLimitPermit } from "@mly/auth-core";
import type { KeyState } from "./_key_state.ts";
import type { Linked, LinkedList } from "./_linked_list.ts";

/** Where permits' settles and cancels go: one object per limiter, so a permit carries no closure. */
export interface PermitOwner {
  /** `permit` was settled (the response arrived, or the request failed). */
  settle(permit: Permit, outcome: PermitOutcome | undefined): void;
  /** `permit` was cancelled (the request was never sent). */
  cancel(permit: Permit): void;
}

/**
 * A granted slot: one small object per acquire, its methods on the prototype. While in flight it
 * is linked into its key's list of permits in flight (grant order); the first settle or cancel
 * takes it out, and any later one finds it out and does nothing.
 */
export class Permit implements RateLimitPermit, Linked<Permit> {
  readonly #owner: PermitOwner;
  /** The key it was granted on. */
  readonly key: KeyState;
  /** When it was granted. */
  readonly grantedAt: number;
  /** The time its grant counts from (even spacing). */
  readonly grant: number;
  /** The key's previous grant time (a cancel restores it). */
  readonly previousGrant: number;
  list: LinkedList<Permit> | undefined = undefined;
  older: Permit | undefined = undefined;
  newer: Permit | undefined = undefined;

  constructor(owner: PermitOwner, key: KeyState, grantedAt: number, grant: number, previousGrant: number) {
    this.#owner = owner;
    this.key = key;
    this.grantedAt = grantedAt;
    this.grant = grant;
    this.previousGrant = previousGrant;
  }

  /** The response arrived (or the request failed): the slot counts from now. */
  settle(outcome?: PermitOutcome): void {
    this.#owner.settle(this, outcome);
  }

  /** The request was never sent: the slot comes back. */
  cancel(): void {
    this.#owner.cancel(this);
  }
}
