/**
 * Forks N worker processes, prints a live line per second, stops them at the deadline and sums
 * their counters.
 *
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SupervisorMessage, WorkerJob, WorkerMessage } from "./job.ts";
import { OPERATIONS } from "./operations.ts";
import { QuotaChart } from "./quota_chart.ts";
import { emptyStats, formatLiveLine, sumStats, type WorkerStats } from "./stats.ts";

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  /** The job every worker gets (its `index` is set per worker). */
  job: Omit<WorkerJob, "index">;
  /** How many processes (default 4). */
  workers?: number;
  /** How long to poll, ms. */
  durationMs: number;
  /** Receives the live line once a second (default: none). */
  onLine?: (line: string) => void;
  /** Receives the quota chart's lines once a second, after the live line (default: none). */
  onChart?: (lines: readonly string[]) => void;
  /** The worker entry script (default: `worker.js` next to this module, built). */
  workerScript?: string;
}

/** What a run did. */
export interface RunSummary {
  /** From the start of polling to the last worker's stop, ms. */
  elapsedMs: number;
  /** Every worker's counters summed. */
  total: WorkerStats;
  /** Each worker's counters. */
  perWorker: WorkerStats[];
  /** Workers that failed, with their message. */
  failures: string[];
}

/**
 * Runs `workers` processes for `durationMs`.
 *
 * @example
 * ```ts
 * import { runWorkers, type WorkerJob } from "@mly/mapiq-worker";
 *
 * declare const job: Omit<WorkerJob, "index">;
 * const summary = await runWorkers({ job, workers: 4, durationMs: 15_000, onLine: console.log });
 * console.log(summary.total.rateLimited); // 0
 * ```
 */
export async function runWorkers(options: RunWorkersOptions): Promise<RunSummary> {
  const count = options.workers ?? 4;
  const script = options.workerScript ?? fileURLToPath(new URL("./worker.js", import.meta.url));
  const latest: WorkerStats[] = Array.from({ length: count }, emptyStats);
  const finals: (WorkerStats | undefined)[] = Array.from({ length: count }, () => undefined);
  const failures: string[] = [];
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const child = fork(script, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
    children.push(child);
    exits.push(
      new Promise<void>((resolve) => {
        child.once("exit", (code, signal) => {
          if (finals[index] === undefined && !failures.some((f) => f.startsWith(`worker ${index}:`))) {
            failures.push(`worker ${index}: exited (${signal ?? `code ${code ?? "?"}`}) before reporting`);
          }
          resolve();
        });
      }),
    );
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "stats") latest[message.index] = message.stats;
      else if (message.type === "done") finals[message.index] = latest[message.index] = message.stats;
      else if (message.type === "failed") failures.push(`worker ${message.index}: ${message.message}`);
    });
    const start: SupervisorMessage = { type: "start", job: { ...options.job, index } };
    child.send(start);
  }
  const started = performance.now();
  let previous = emptyStats();
  const chart = new QuotaChart({ limit: options.job.limit, windowMs: options.job.windowMs, operations: OPERATIONS.map((op) => op.name) });
  const ticker = setInterval(() => {
    const now = sumStats(latest);
    const elapsed = performance.now() - started;
    options.onLine?.(formatLiveLine(elapsed, now, previous));
    if (options.onChart !== undefined) options.onChart(chart.update(elapsed, now.events));
    previous = now;
  }, 1000);
  await Promise.race([new Promise((resolve) => setTimeout(resolve, options.durationMs)), Promise.all(exits)]);
  clearInterval(ticker);
  for (const child of children) {
    if (child.connected) child.send({ type: "stop" } satisfies SupervisorMessage);
  }
  const killer = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(killer);
  const perWorker = finals.map((stats, i) => stats ?? latest[i] ?? emptyStats());
  return { elapsedMs: performance.now() - started, total: sumStats(perWorker), perWorker, failures };
}
