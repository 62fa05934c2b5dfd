/**
 * The few statistics the benches print: the median of a contender's rounds, and whether a
 * measured ratio meets its goal.
 */

/**
 * The `q` quantile of `values` by nearest rank (`NaN` for none): a wait's p50 or p99.
 *
 * @example The p99 of a batch
 * ```ts
 * quantile([5, 1, 3, 2, 4], 0.99); // 5
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * The median of `values`: the middle one, or the mean of the two middle ones for an even count.
 *
 * @example Median of rounds
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 * @throws {RangeError} `values` is empty or holds a value that is not a finite number.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median: no values; run at least one round");
  if (!values.every((value) => Number.isFinite(value))) throw new RangeError("median: every value must be a finite number");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * The median of the per-round ratios `a[i] / b[i]`: each round's two figures were measured
 * moments apart, so a change in machine load between rounds cancels out of each ratio.
 *
 * @example Paired rounds
 * ```ts
 * pairedRatio([110, 220, 105], [100, 200, 100]); // 1.1
 * ```
 * @throws {RangeError} the two lists differ in length, are empty, or hold a value that is not a positive finite number.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`pairedRatio: ${a.length} rounds against ${b.length}; pass one figure per round to each`);
  if (![...a, ...b].every((value) => Number.isFinite(value) && value > 0)) throw new RangeError("pairedRatio: every figure must be a positive finite number");
  return median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

/** A goal on a ratio: the ratio must stay at most, or at least, `limit`. */
export interface Goal {
  /** `atMost`: lower is better (time ratios); `atLeast`: higher is better (throughput ratios). */
  readonly kind: "atMost" | "atLeast";
  /** The bound, e.g. 1.05. */
  readonly limit: number;
}

/**
 * `met`, or `missed by X %` where X is how far the ratio is past the bound, relative to the bound
 * (ratio 1.10 against "at most 1.05" is 4.8 % too high).
 *
 * @example Verdicts
 * ```ts
 * verdict(1.02, { kind: "atMost", limit: 1.05 }); // "met"
 * verdict(1.1, { kind: "atMost", limit: 1.05 }); // "missed by 4.8 %"
 * verdict(0.9, { kind: "atLeast", limit: 1 }); // "missed by 10.0 %"
 * ```
 */
export function verdict(ratio: number, goal: Goal): string {
  const met = goal.kind === "atMost" ? ratio <= goal.limit : ratio >= goal.limit;
  if (met) return "met";
  const missedBy = goal.kind === "atMost" ? ratio / goal.limit - 1 : 1 - ratio / goal.limit;
  return `missed by ${(missedBy * 100).toFixed(1)} %`;
}

/**
 * One printed goal line: `name: 1.07× (goal ≤ 1.05×): missed by 1.9 %`.
 *
 * @example A goal line
 * ```ts
 * goalLine("fetch path vs bare fetch", 1.02, { kind: "atMost", limit: 1.05 }); // "fetch path vs bare fetch: 1.02× (goal ≤ 1.05×): met"
 * ```
 */
export function goalLine(name: string, ratio: number, goal: Goal): string {
  return `${name}: ${ratio.toFixed(2)}× (goal ${goal.kind === "atMost" ? "≤" : "≥"} ${goal.limit.toFixed(2)}×): ${verdict(ratio, goal)}`;
}

/**
 * A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same sequence, so
 * a run's round orders can be reproduced.
 *
 * @example Two sources, one seed
 * ```ts
 * seededRandom(14)() === seededRandom(14)(); // true
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `items` in a random order (Fisher–Yates with `random`): the order of one round. A random order,
 * unlike a rotation, gives every contender a different predecessor each round, so no contender
 * always inherits the same other one's leftovers (garbage, timers, cache state).
 *
 * @example A round order
 * ```ts
 * shuffled(["a", "b", "c"], seededRandom(1)); // the three, in some order
 * ```
 */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as T;
    order[i] = order[j] as T;
    order[j] = swap;
  }
  return order;
}
