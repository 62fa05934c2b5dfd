/**
 * `@mly/mapiq-worker`: N worker processes polling the Mapiq API as fast as its quota allows,
 * sharing one token (`@mly/storage-redis`) and one rate limit per operation
 * (`@mly/ratelimit-redis`).
 *
 * @example
 * ```ts
 * import { runWorkers } from "@mly/mapiq-worker";
 *
 * const summary = await runWorkers({
 *   job: {
 *     endpoints: {},
 *     client: { clientId: process.env.MAPIQ_CLIENT_ID!, clientSecret: process.env.MAPIQ_CLIENT_SECRET! },
 *     limit: 20,
 *     windowMs: 60_000,
 *     redisUrl: "redis://127.0.0.1:6379",
 *     redisPrefix: "mly:mapiq-worker",
 *     refreshPolicy: {},
 *     reportEveryMs: 250,
 *   },
 *   workers: 4,
 *   durationMs: 60_000,
 *   onLine: console.log,
 * });
 * ```
 *
 * @module
 */
export { parseWorkerConfig, WORKER_HELP, type WorkerConfig } from "./config.ts";
export {
  emptyEventCounters,
  operationOfKey,
  sumEventCounters,
  tallyEvents,
  type EventCounters,
} from "./event_tally.ts";
export { type SupervisorMessage, type WorkerJob, type WorkerMessage } from "./job.ts";
export { OPERATIONS, type Operation } from "./operations.ts";
export { quotaReport, type OperationQuota, type QuotaLogEntry, type QuotaReport } from "./quota.ts";
export { QuotaChart, type QuotaChartOptions } from "./quota_chart.ts";
export { runWorker } from "./run_worker.ts";
export { emptyStats, formatLiveLine, sumStats, type WorkerStats } from "./stats.ts";
export { runWorkers, type RunSummary, type RunWorkersOptions } from "./supervisor.ts";
