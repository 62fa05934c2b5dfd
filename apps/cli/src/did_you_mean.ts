/**
 * "Did you mean": the closest of a few known words to a mistyped one, as git and gh suggest.
 *
 * @module
 */

/**
 * The candidate closest to `input` (edit distance, an adjacent swap counting as one edit), when
 * it is close enough to be a typo: at most 1 edit for words up to 4 letters, 2 for longer ones;
 * or a candidate `input` is a prefix of (`stat` → `status`). Ties go to the earlier candidate.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./did_you_mean.ts";
 *
 * didYouMean("stauts", ["login", "status"]); // "status"
 * ```
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (input === "") return undefined;
  const limit = input.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ?? (input.length >= 2 ? candidates.find((candidate) => candidate.startsWith(input)) : undefined);
}

/** The optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
