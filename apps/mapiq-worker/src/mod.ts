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
export * from "./config.ts";
export * from "./event_tally.ts";
export * from "./job.ts";
export * from "./operations.ts";
export * from "./quota.ts";
export * from "./quota_chart.ts";
export * from "./run_worker.ts";
export * from "./stats.ts";
export * from "./supervisor.ts";
