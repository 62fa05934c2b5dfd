/**
 * The links an entry of a {@link LinkedList} carries. An entry is in at most one list at a time;
 * start every link at `undefined`.
 */
export interface Linked<T extends Linked<T>> {
  /** The list that holds the entry, if any. */
  list: LinkedList<T> | undefined;
  /** The entry added to that list just before it. */
  older: T | undefined;
  /** The entry added to that list just after it. */
  newer: T | undefined;
}

/**
 * A doubly linked list threaded through its entries (their `older` / `newer` links), oldest
 * first. Append, remove and the oldest entry cost O(1) at any size and allocate nothing: the
 * links live in the entries. (A JavaScript `Set`'s insertion order is not a substitute: taking
 * its first entry walks past every entry deleted from its front, and its table is reallocated as
 * it grows and shrinks.)
 */
export class LinkedList<T extends Linked<T>> {
  #oldest: T | undefined = undefined;
  #newest: T | undefined = undefined;
  #size = 0;

  /** How many entries the list holds. */
  get size(): number {
    return this.#size;
  }

  /** The entry that has been in the list longest. */
  get oldest(): T | undefined {
    return this.#oldest;
  }

  /** The entry added last. */
  get newest(): T | undefined {
    return this.#newest;
  }

  /** Adds `entry`, which must be in no list, as the newest. */
  append(entry: T): void {
    entry.list = this;
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
    this.#size += 1;
  }

  /** Takes `entry` out; returns whether this list held it. */
  remove(entry: T): boolean {
    if (entry.list !== this) return false;
    const { older, newer } = entry;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    entry.list = undefined;
    entry.older = undefined;
    entry.newer = undefined;
    this.#size -= 1;
    return true;
  }
}
