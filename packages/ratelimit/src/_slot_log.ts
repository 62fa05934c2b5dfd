/** The smallest ring a log shrinks to (a power of two). */
const MIN_CAPACITY = 4;

/**
 * The settled slots of one key: their times, oldest first and ascending. A ring buffer: appending
 * at the new end and dropping at the old end cost O(1) and allocate nothing while the ring has
 * room. It doubles when full and halves when three quarters are empty (each a single array copy),
 * so its memory follows the slots still in the window.
 */
export class SlotLog {
  /** The slots, `size` of them from index `first` on, wrapping around; the length is a power of two (or 0). */
  #ring: number[] = [];
  #first = 0;
  #size = 0;

  /** How many slots the log holds. */
  get size(): number {
    return this.#size;
  }

  /** The newest slot; `-Infinity` when the log is empty. */
  get newest(): number {
    return this.#size === 0 ? -Infinity : this.at(this.#size - 1);
  }

  /** The slot at `index`, 0 being the oldest (`index` below `size`). */
  at(index: number): number {
    return this.#ring[(this.#first + index) & (this.#ring.length - 1)] ?? Infinity;
  }

  /**
   * Appends a slot at `time`. A slot settled out of order counts from the newest one instead
   * (counting a slot longer is safe), so the log stays sorted.
   */
  append(time: number): void {
    const slot = Math.max(time, this.newest);
    if (this.#size === this.#ring.length) this.#grow();
    this.#ring[(this.#first + this.#size) & (this.#ring.length - 1)] = slot;
    this.#size += 1;
  }

  /** Drops the slots at or before `time` (they left the window). */
  dropUntil(time: number): void {
    while (this.#size > 0 && this.at(0) <= time) {
      this.#first = (this.#first + 1) & (this.#ring.length - 1);
      this.#size -= 1;
    }
    if (this.#ring.length > MIN_CAPACITY && this.#size * 4 < this.#ring.length) this.#shrink();
  }

  /** Drops every slot (a ring bigger than the smallest goes too). */
  clear(): void {
    if (this.#ring.length > MIN_CAPACITY) this.#ring = [];
    this.#first = 0;
    this.#size = 0;
  }

  /**
   * Doubles the full ring (an empty one gets one place). The ring followed by a copy of itself
   * holds every slot in order from `first` on: the copy continues where the ring wrapped around.
   */
  #grow(): void {
    this.#ring = this.#ring.length === 0 ? [0] : this.#ring.concat(this.#ring);
  }

  /** Halves the ring, a quarter or less of it in use: its half that starts at `first` holds every slot. */
  #shrink(): void {
    const ring = this.#ring;
    const end = this.#first + ring.length / 2;
    this.#ring = end <= ring.length ? ring.slice(this.#first, end) : ring.slice(this.#first).concat(ring.slice(0, end - ring.length));
    this.#first = 0;
  }
}
