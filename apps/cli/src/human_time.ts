/**
 * A duration in human terms: `45 s`, `12 min`, `3 h 5 min`, `59 days`.
 *
 * @example
 * ```ts
 * import { humanDuration } from "./human_time.ts";
 *
 * humanDuration(90_000); // "1 min 30 s"
 * ```
 */
export function humanDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 === 0 || min >= 10 ? `${min} min` : `${min} min ${s % 60} s`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 || h >= 10 ? `${h} h` : `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

/**
 * When a token expires, relative to `now`: `in 59 days`, `expired 3 min ago`, `never`.
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
  return expiresAt > now ? `in ${humanDuration(expiresAt - now)}` : `expired ${humanDuration(now - expiresAt)} ago`;
}
