import type { RouteLimit } from "@mly/auth-core";

/** Per-route limits that deviate from a policy's: `{ "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } }`. */
export type RouteLimits = Readonly<Record<string, RouteLimit>>;

/** How a limiter learns a route's real limit from a 429, and probes back up. */
export interface LearnOptions {
  /**
   * After a 429 lowered a route's limit, it rises by one every this many windows without a new
   * 429, back to the configured limit (default 5: a limit lowered from 20 to 5 is back at 20
   * after 75 windows unless the server objects again). Each step up risks at most one 429.
   */
  probeEveryWindows?: number;
}

/** The default of {@link LearnOptions.probeEveryWindows}. */
export const DEFAULT_PROBE_EVERY_WINDOWS = 5;

/**
 * The route a limiter key names: the `METHOD /template` at its end (`mapiq:endpoint:GET
 * /v2/reports/{id}` → `GET /v2/reports/{id}`, `GET /v2/users` → itself), or `undefined` for a
 * key without one (`mapillary:graph`).
 *
 * @example
 * ```ts
 * import { routeOfKey } from "@mly/ratelimit/adaptive";
 *
 * routeOfKey("mapiq:endpoint:GET /v2/reports/{id}"); // "GET /v2/reports/{id}"
 * ```
 */
export function routeOfKey(key: string): string | undefined {
  const match = /(?:^|:)([A-Z]+ \/.*)$/.exec(key);
  return match?.[1];
}

/**
 * The limit a route learns from a 429: the requests the limiter saw admitted in the window before
 * the rejected one (`observed`), and always below the limit it ran at (`current`), never below 1.
 *
 * @example
 * ```ts
 * import { lowerLimit } from "@mly/ratelimit/adaptive";
 *
 * lowerLimit(5, 20); // 5: the server took 5 in the window, then said 429
 * lowerLimit(9, 6); // 5: a 429 at a limit of 6 means less than 6
 * ```
 */
export function lowerLimit(observed: number, current: number): number {
  return Math.max(1, Math.min(current - 1, Math.floor(observed)));
}

/**
 * A learned limit probed back up: one more per `probeEveryMs` since it was learned (`since`),
 * never above the configured limit (`ceiling`).
 *
 * @example
 * ```ts
 * import { probedLimit } from "@mly/ratelimit/adaptive";
 *
 * probedLimit(5, 0, 600_000, 20, 300_000); // 7: two probes after ten one-minute windows
 * ```
 */
export function probedLimit(learned: number, since: number, now: number, ceiling: number, probeEveryMs: number): number {
  return Math.min(ceiling, learned + Math.max(0, Math.floor((now - since) / probeEveryMs)));
}
