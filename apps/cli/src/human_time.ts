/**
 * Times relative to now, in one wording everywhere (`login`, `status`, `token`, …), from
 * `Intl.RelativeTimeFormat`: `in 60 days`, `3 minutes ago`. Values are rounded to the nearest
 * unit, so two readings a second apart say the same thing.
 *
 * @module
 */

const FORMAT = new Intl.RelativeTimeFormat("en", { numeric: "always" });

const UNITS: readonly { unit: Intl.RelativeTimeFormatUnit; ms: number; below: number }[] = [
  { unit: "second", ms: 1000, below: 60 * 1000 },
  { unit: "minute", ms: 60 * 1000, below: 60 * 60 * 1000 },
  { unit: "hour", ms: 60 * 60 * 1000, below: 48 * 60 * 60 * 1000 },
  { unit: "day", ms: 24 * 60 * 60 * 1000, below: Infinity },
];

/**
 * `at` relative to `now`: `in 60 days`, `5 minutes ago`, `in 0 seconds`.
 *
 * @example
 * ```ts
 * import { relativeTime } from "./human_time.ts";
 *
 * relativeTime(Date.now() + 60 * 86_400_000 - 1000, Date.now()); // "in 60 days"
 * ```
 */
export function relativeTime(at: number, now: number): string {
  const delta = at - now;
  const size = Math.abs(delta);
  const { unit, ms } = UNITS.find((u) => size < u.below - (u.ms / 2)) ?? { unit: "day" as const, ms: 24 * 60 * 60 * 1000 };
  const value = Math.round(size / ms);
  return FORMAT.format(delta < 0 ? -value : value, unit);
}

/**
 * When a token expires, relative to `now`: `in 59 days`, `expired 3 minutes ago`, `never`.
 *
 * @example
 * ```ts
 * import { humanExpiry } from "./human_time.ts";
 *
 * humanExpiry(null, 0); // "never"
 * ```
 */
export function humanExpiry(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return "never";
  return expiresAt > now ? relativeTime(expiresAt, now) : `expired ${relativeTime(expiresAt, now)}`;
}
