/**
 * Counting mly's telemetry events in a worker: the numbers behind the quota chart.
 *
 * @module
 */
import type { MlyEvent, MlyEventListener } from "@mly/auth-core";

/** What the events of one worker (or of all of them) said, cumulative. */
export interface EventCounters {
  /** Requests answered 2xx, per operation (`GET /v2/buildings/{id}`), from `request` events. */
  used: Record<string, number>;
  /** Callers that waited for a rate-limit slot (`limiter.wait`). */
  waits: number;
  /** Their total wait, ms. */
  waitMs: number;
  /** Keys frozen on a server's request (`limiter.pause`). */
  pauses: number;
  /** Throttle answers (`throttle.seen`: 429 and its kin). */
  throttles: number;
  /** Token requests that ended (`refresh.success` or `refresh.failure`). */
  refreshes: number;
  /** Token requests that failed. */
  refreshFailures: number;
  /** Token store failures (`store.error`). */
  storeErrors: number;
}

/**
 * Empty counters.
 *
 * @example
 * ```ts
 * import { emptyEventCounters } from "@mly/mapiq-worker";
 *
 * emptyEventCounters().waits; // 0
 * ```
 */
export function emptyEventCounters(): EventCounters {
  return { used: {}, waits: 0, waitMs: 0, pauses: 0, throttles: 0, refreshes: 0, refreshFailures: 0, storeErrors: 0 };
}

/**
 * The sum of several workers' counters.
 *
 * @example
 * ```ts
 * import { emptyEventCounters, sumEventCounters } from "@mly/mapiq-worker";
 *
 * sumEventCounters([emptyEventCounters(), emptyEventCounters()]).pauses; // 0
 * ```
 */
export function sumEventCounters(all: readonly EventCounters[]): EventCounters {
  const total = emptyEventCounters();
  for (const c of all) {
    for (const [op, n] of Object.entries(c.used)) total.used[op] = (total.used[op] ?? 0) + n;
    total.waits += c.waits;
    total.waitMs += c.waitMs;
    total.pauses += c.pauses;
    total.throttles += c.throttles;
    total.refreshes += c.refreshes;
    total.refreshFailures += c.refreshFailures;
    total.storeErrors += c.storeErrors;
  }
  return total;
}

/**
 * The operation of a rate-limit key: `GET /v2/buildings/{id}` of
 * `mapiq:endpoint:GET /v2/buildings/{id}` (the key itself when it names no request line).
 *
 * @example
 * ```ts
 * import { operationOfKey } from "@mly/mapiq-worker";
 *
 * operationOfKey("mapiq:endpoint:GET /v2/users"); // "GET /v2/users"
 * ```
 */
export function operationOfKey(key: string): string {
  const at = key.search(/\b(GET|HEAD|POST|PUT|PATCH|DELETE) \//);
  return at === -1 ? key : key.slice(at);
}

/**
 * A listener (`onEvent` of `createApiClient`, `RedisRateLimiter`, …) that adds every event to
 * `counters`.
 *
 * @example
 * ```ts
 * import { emptyEventCounters, tallyEvents } from "@mly/mapiq-worker";
 *
 * const counters = emptyEventCounters();
 * tallyEvents(counters)({ type: "request", keys: ["mapiq:endpoint:GET /v2/users"], method: "GET", status: 200, durationMs: 12 });
 * counters.used["GET /v2/users"]; // 1
 * ```
 */
export function tallyEvents(counters: EventCounters): MlyEventListener {
  return (event: MlyEvent): void => {
    switch (event.type) {
      case "request":
        if (event.status >= 200 && event.status < 300) {
          for (const key of event.keys) {
            const op = operationOfKey(key);
            counters.used[op] = (counters.used[op] ?? 0) + 1;
          }
        }
        return;
      case "limiter.wait":
        counters.waits++;
        counters.waitMs += event.durationMs;
        return;
      case "limiter.pause":
        counters.pauses++;
        return;
      case "throttle.seen":
        counters.throttles++;
        return;
      case "refresh.success":
        counters.refreshes++;
        return;
      case "refresh.failure":
        counters.refreshes++;
        counters.refreshFailures++;
        return;
      case "store.error":
        counters.storeErrors++;
        return;
      case "refresh.start":
        return;
    }
  };
}
