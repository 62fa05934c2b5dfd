import { LinkedList, type Linked } from "./_linked_list.ts";

/**
 * What the key table needs of a key's state: its name, the links (set by the table) that put it
 * in the eviction order or among the parked keys, and three questions.
 */
export interface TableEntry<S extends TableEntry<S>> extends Linked<S> {
  /** The key. */
  readonly name: string;
  /** Whether the key has waiters or permits in flight at `now`: such a key is never evicted. May first settle permits past their timeout. */
  inUseAt(now: number): boolean;
  /** When the key, not in use, will have nothing left to remember: no slot in its window, no spacing or pause left. */
  idleAt(): number;
  /** Makes the state of an evicted key (not in use) the state of the new key `name`, as the table's `create` would have made it. */
  reset(name: string, waitUntil: number): void;
}

/** Makes the state of a new key, which must not grant before `waitUntil` (0: no wait). */
export type CreateEntry<S> = (name: string, waitUntil: number) => S;

/** Parked keys looked at per new key when every other key is in use. */
const PARKED_PROBES = 2;
/** The most entries of the table of remembered waits (8 bytes each). */
const MAX_WAIT_SLOTS = 65_536;

/**
 * The keys of a limiter, at most `maxKeys` of them, with O(1) amortised work per operation at
 * any number of keys.
 *
 * The rule: a key with waiters or permits in flight is never evicted. The other keys are kept in
 * least-recently-used order (a {@link LinkedList} threaded through the keys' states: moving a key
 * and taking the oldest are O(1) at any size), and a new key past `maxKeys` evicts the least
 * recently used of them. If that key still has something to honour — slots in its window, a
 * spacing wait, a server's pause — the time it would have been idle is remembered in a fixed-size
 * table indexed by a hash of the key, and a key created later with that hash waits until then:
 * an evicted key that comes back never gets a request through earlier than it would have (a new
 * key sharing the hash may wait too: the table errs on the safe side). When every key is in use,
 * `obtain` returns `undefined` (the limiter then refuses a new acquire, and keeps a pause in the
 * table of waits alone).
 *
 * Keys in use are left in the order and taken out lazily ("parked") when met at its front, so
 * the allowed path costs no extra work; a parked key returns to the order when it stops being in
 * use, and a few parked keys are re-examined per new key when nothing else is evictable, so a
 * permit nobody settles (it ends at its timeout) does not hold its key's memory forever.
 *
 * A new key takes over the state of the key it evicted (`reset`): past `maxKeys` a new key
 * allocates nothing, and no state lives just long enough to burden the garbage collector.
 */
export class KeyTable<S extends TableEntry<S>> {
  readonly #maxKeys: number;
  readonly #create: CreateEntry<S>;
  readonly #states = new Map<string, S>();
  /** Keys not in use, least recently used first (and keys that came into use since: parked when met). */
  readonly #order = new LinkedList<S>();
  /** Keys met in use at the front of the order, oldest first. */
  readonly #parked = new LinkedList<S>();
  /** Until when evicted keys must wait, by hash; allocated at the first eviction that needs it. */
  #waits: Float64Array | undefined;
  /** The state of the key evicted last, until a new key takes it over. */
  #evicted: S | undefined;

  constructor(maxKeys: number, create: CreateEntry<S>) {
    this.#maxKeys = maxKeys;
    this.#create = create;
  }

  /** How many keys are held. */
  get size(): number {
    return this.#states.size;
  }

  /** The state of `name`, or a new one that is not stored (what the key would start with). */
  peek(name: string): S {
    return this.#states.get(name) ?? this.#create(name, this.#rememberedWait(name));
  }

  /** The state of `name`, created (evicting the least recently used key not in use if needed); `undefined` when every key is in use. */
  obtain(name: string, now: number): S | undefined {
    const found = this.#states.get(name);
    if (found !== undefined) return found;
    if (!this.#makeRoom(now)) return undefined;
    const state = this.#newState(name);
    this.#states.set(name, state);
    this.touch(state);
    return state;
  }

  /** Marks `state` as just used: it moves to the end of the eviction order. Call it when a key stops being in use, or is paused. */
  touch(state: S): void {
    if (this.#order.newest === state) return; // the most recently used already
    this.#parked.remove(state);
    this.#order.remove(state);
    this.#order.append(state);
  }

  /** Remembers, in bounded memory, that a key must not grant before `until` (for a key that cannot be held). */
  remember(name: string, until: number): void {
    this.#waits ??= new Float64Array(waitSlots(this.#maxKeys));
    const slot = hash(name) & (this.#waits.length - 1);
    this.#waits[slot] = Math.max(this.#waits[slot] ?? 0, until);
  }

  /** A state for the new key `name`: the evicted key's, reset, or else a new one. */
  #newState(name: string): S {
    const waitUntil = this.#rememberedWait(name);
    const evicted = this.#evicted;
    if (evicted === undefined) return this.#create(name, waitUntil);
    this.#evicted = undefined;
    evicted.reset(name, waitUntil);
    return evicted;
  }

  #rememberedWait(name: string): number {
    const waits = this.#waits;
    return waits?.[hash(name) & (waits.length - 1)] ?? 0;
  }

  #makeRoom(now: number): boolean {
    while (this.#states.size >= this.#maxKeys) {
      const victim = this.#leastRecentlyUsedNotInUse(now) ?? this.#parkedNoLongerInUse(now);
      if (victim === undefined) return false;
      this.#evict(victim, now);
    }
    return true;
  }

  /** Takes keys off the front of the order until one is not in use (those in use are parked). */
  #leastRecentlyUsedNotInUse(now: number): S | undefined {
    for (let state = this.#order.oldest; state !== undefined; state = this.#order.oldest) {
      this.#order.remove(state);
      if (!state.inUseAt(now)) return state;
      this.#parked.append(state);
    }
    return undefined;
  }

  /** Looks at a few parked keys, oldest first; one still in use goes to the back of the parked keys. */
  #parkedNoLongerInUse(now: number): S | undefined {
    for (let probe = 0; probe < PARKED_PROBES; probe += 1) {
      const state = this.#parked.oldest;
      if (state === undefined) return undefined;
      this.#parked.remove(state);
      if (!state.inUseAt(now)) return state;
      this.#parked.append(state);
    }
    return undefined;
  }

  #evict(state: S, now: number): void {
    this.#states.delete(state.name);
    const idleAt = state.idleAt();
    if (idleAt > now) this.remember(state.name, idleAt);
    this.#evicted = state;
  }
}

/** A power of two ≥ maxKeys (so few keys share a slot), within bounds. */
function waitSlots(maxKeys: number): number {
  let slots = 64;
  while (slots < maxKeys && slots < MAX_WAIT_SLOTS) slots *= 2;
  return slots;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193);
  return value >>> 0;
}
