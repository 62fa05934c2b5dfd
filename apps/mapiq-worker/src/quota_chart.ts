/**
 * The per-second quota chart of the terminal: for each operation, the requests of the last
 * window against the limit, drawn as a bar, from the workers' telemetry events.
 *
 * @module
 */
import type { EventCounters } from "./event_tally.ts";

/** Options of {@link QuotaChart}. */
export interface QuotaChartOptions {
  /** The server's limit per operation: requests per window. */
  limit: number;
  /** The window, ms. */
  windowMs: number;
  /** The operations to draw, in order (others that show up are added after them). */
  operations?: readonly string[];
  /** Width of a full bar, in characters (default 30). */
  width?: number;
}

interface Sample {
  at: number;
  used: Record<string, number>;
}

/**
 * Draws the chart once a second from cumulative {@link EventCounters}: per operation, the
 * requests answered in the last window (`used`) against `limit`, the requests of the last second,
 * and a line with the waits, pauses, throttles and token requests the events reported.
 *
 * @example
 * ```ts
 * import { emptyEventCounters, QuotaChart } from "@mly/mapiq-worker";
 *
 * const chart = new QuotaChart({ limit: 20, windowMs: 2000, operations: ["GET /v2/users"] });
 * const counters = emptyEventCounters();
 * counters.used["GET /v2/users"] = 10;
 * console.log(chart.update(1000, counters).join("\n"));
 * ```
 */
export class QuotaChart {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #operations: string[];
  readonly #width: number;
  readonly #samples: Sample[] = [{ at: 0, used: {} }];
  #previous: EventCounters | undefined;

  /** Creates a chart for a limit of `limit` requests per `windowMs` per operation. */
  constructor(options: QuotaChartOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#operations = [...(options.operations ?? [])];
    this.#width = options.width ?? 30;
  }

  /** Takes the counters at `elapsedMs` since the start and returns the chart's lines. */
  update(elapsedMs: number, counters: EventCounters): string[] {
    for (const op of Object.keys(counters.used).sort()) if (!this.#operations.includes(op)) this.#operations.push(op);
    // Ticks come about once a second, a little early or late: look back to the nearest sample.
    const lastSecond = this.#nearest(elapsedMs - 1000);
    // A window shorter than a tick is measured over the tick, against the limit scaled to it.
    const spanMs = Math.max(this.#windowMs, 1000);
    const allowed = (this.#limit * spanMs) / this.#windowMs;
    const then = this.#nearest(elapsedMs - spanMs);
    this.#samples.push({ at: elapsedMs, used: { ...counters.used } });
    // Samples a tick older than the longest look-back are never read again.
    while (this.#samples.length > 1 && (this.#samples[0]?.at ?? Infinity) < elapsedMs - spanMs - 1000) this.#samples.shift();
    const nameWidth = Math.max(...this.#operations.map((op) => op.length), 9);
    const lines = [`[${String(Math.round(elapsedMs / 1000)).padStart(3)}s] quota: requests answered in the last ${seconds(spanMs)} per operation, against the limit of ${formatNumber(allowed)}`];
    for (const op of this.#operations) {
      const now = counters.used[op] ?? 0;
      const used = now - (then.used[op] ?? 0);
      const perSecond = now - (lastSecond.used[op] ?? 0);
      lines.push(`  ${op.padEnd(nameWidth)} ${drawBar(used, allowed, this.#width)} ${String(used).padStart(String(Math.ceil(allowed)).length)}/${formatNumber(allowed)}  (+${perSecond} in the last second)`);
    }
    const previous = this.#previous;
    this.#previous = counters;
    const waits = counters.waits - (previous?.waits ?? 0);
    const waitMs = counters.waitMs - (previous?.waitMs ?? 0);
    lines.push(
      `  events this second: limiter waits ${waits}${waits > 0 ? ` (avg ${Math.round(waitMs / waits)} ms)` : ""} · pauses ${counters.pauses - (previous?.pauses ?? 0)}` +
        ` · throttles seen ${counters.throttles - (previous?.throttles ?? 0)} · token requests ${counters.refreshes - (previous?.refreshes ?? 0)}` +
        ` · store errors ${counters.storeErrors - (previous?.storeErrors ?? 0)}`,
    );
    return lines;
  }

  /** The sample taken nearest to `at` (the start, before the first tick). */
  #nearest(at: number): Sample {
    let found = this.#samples[0] ?? { at: 0, used: {} };
    for (const sample of this.#samples) if (Math.abs(sample.at - at) < Math.abs(found.at - at)) found = sample;
    return found;
  }
}

/** A bar of `width` characters: `used / allowed` filled; past the limit, the excess is marked `!`. */
function drawBar(used: number, allowed: number, width: number): string {
  const filled = Math.min(width, Math.round((Math.max(0, used) / allowed) * width));
  const over = used > allowed ? "!" : " ";
  return `▕${"█".repeat(filled)}${"·".repeat(width - filled)}▏${over}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
