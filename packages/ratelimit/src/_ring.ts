/**
 * A growable FIFO of numbers on a `Float64Array` (amortised O(1) push and shift, no garbage):
 * the sliding log of settled slot times.
 */
export class _Ring {
  #buffer: Float64Array;
  #head = 0;
  #size = 0;

  /** Creates a ring with room for `capacity` values before it grows. */
  constructor(capacity = 16) {
    this.#buffer = new Float64Array(Math.max(4, capacity));
  }

  /** How many values it holds. */
  get size(): number {
    return this.#size;
  }

  /** The `index`-th oldest value (0 is the oldest); `index` must be below `size`. */
  at(index: number): number {
    return this.#buffer[(this.#head + index) % this.#buffer.length] ?? Number.NaN;
  }

  /** The newest value, or `-Infinity` when empty. */
  last(): number {
    return this.#size === 0 ? Number.NEGATIVE_INFINITY : this.at(this.#size - 1);
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.#size === this.#buffer.length) this.#grow();
    this.#buffer[(this.#head + this.#size) % this.#buffer.length] = value;
    this.#size += 1;
  }

  /** Drops values from the old end while they are `<= bound`. */
  dropUpTo(bound: number): void {
    const buffer = this.#buffer;
    while (this.#size > 0 && (buffer[this.#head] ?? Number.NaN) <= bound) {
      this.#head = (this.#head + 1) % buffer.length;
      this.#size -= 1;
    }
    if (this.#size === 0) this.#head = 0;
  }

  #grow(): void {
    const next = new Float64Array(this.#buffer.length * 2);
    for (let i = 0; i < this.#size; i += 1) next[i] = this.at(i);
    this.#buffer = next;
    this.#head = 0;
  }
}
