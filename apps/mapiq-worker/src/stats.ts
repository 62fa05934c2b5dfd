/**
 * Counters of a worker and their sum over workers.
 *
 * @module
 */
import { emptyEventCounters, sumEventCounters, type EventCounters } from "./event_tally.ts";

/** What one worker (or all of them) did. */
export interface WorkerStats {
  /** HTTP requests sent to the API (not the token endpoint). */
  requests: number;
  /** 2xx answers. */
  ok: number;
  /** 429 answers (the goal: 0). */
  rateLimited: number;
  /** 401 answers (a token the API refused). */
  unauthorized: number;
  /** Other failures: other statuses, network errors. */
  errors: number;
  /** Token requests this worker made (client credentials grant). */
  refreshes: number;
  /** 2xx answers per operation. */
  perOperation: Record<string, number>;
  /** What the telemetry events (of the client, the limiter and the coordinator) reported. */
  events: EventCounters;
}

/**
 * Empty counters.
 *
 * @example
 * ```ts
 * import { emptyStats } from "@mly/mapiq-worker";
 *
 * emptyStats().requests; // 0
 * ```
 */
export function emptyStats(): WorkerStats {
  return { requests: 0, ok: 0, rateLimited: 0, unauthorized: 0, errors: 0, refreshes: 0, perOperation: {}, events: emptyEventCounters() };
}

/**
 * The sum of several workers' counters.
 *
 * @example
 * ```ts
 * import { emptyStats, sumStats } from "@mly/mapiq-worker";
 *
 * sumStats([emptyStats(), emptyStats()]).ok; // 0
 * ```
 */
export function sumStats(all: readonly WorkerStats[]): WorkerStats {
  const total = emptyStats();
  for (const s of all) {
    total.requests += s.requests;
    total.ok += s.ok;
    total.rateLimited += s.rateLimited;
    total.unauthorized += s.unauthorized;
    total.errors += s.errors;
    total.refreshes += s.refreshes;
    for (const [op, n] of Object.entries(s.perOperation)) total.perOperation[op] = (total.perOperation[op] ?? 0) + n;
  }
  total.events = sumEventCounters(all.map((s) => s.events));
  return total;
}

/**
 * The live line printed once a second.
 *
 * @example
 * ```ts
 * import { emptyStats, formatLiveLine } from "@mly/mapiq-worker";
 *
 * formatLiveLine(3000, emptyStats(), emptyStats());
 * ```
 */
export function formatLiveLine(elapsedMs: number, now: WorkerStats, previous: WorkerStats): string {
  const ops = Object.entries(now.perOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(" · ");
  return (
    `[${String(Math.round(elapsedMs / 1000)).padStart(3)}s] requests ${String(now.requests).padStart(5)} (+${now.requests - previous.requests}/s)` +
    `  429s ${now.rateLimited}  refreshes ${now.refreshes}  errors ${now.errors + now.unauthorized}  | ${ops}`
  );
}
