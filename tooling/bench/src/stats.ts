/**
 * The few statistics the benches print: the median of a contender's rounds, and whether a
 * measured ratio meets its goal.
 */

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
 * `items` rotated left by `by` places: the order of one round, so that over the rounds every
 * contender runs first, second, … alike.
 *
 * @example Round orders
 * ```ts
 * rotate(["a", "b", "c"], 1); // ["b", "c", "a"]
 * rotate(["a", "b", "c"], 3); // ["a", "b", "c"]
 * ```
 */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const start = ((by % items.length) + items.length) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
