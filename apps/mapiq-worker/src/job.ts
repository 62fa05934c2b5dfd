/**
 * What the supervisor tells each worker process (over IPC, so the secret never shows in `ps`).
 *
 * @module
 */
import type { RefreshPolicy } from "@mly/auth-core";
import type { WorkerStats } from "./stats.ts";

/** One worker's job. */
export interface WorkerJob {
  /** The worker's number (0-based). */
  index: number;
  /** Endpoint overrides of the Mapiq profile (the sandbox's); default: the real Mapiq. */
  endpoints: { tokenEndpoint?: string; apiBaseUrl?: string };
  /** The Mapiq app's credentials. */
  client: { clientId: string; clientSecret: string };
  /** Requests per window per operation (the server's limit). */
  limit: number;
  /** The window, ms. */
  windowMs: number;
  /** Redis, shared by every worker. */
  redisUrl: string;
  /** Prefix of every Redis key of this app. */
  redisPrefix: string;
  /** When to refresh ahead of expiry. */
  refreshPolicy: RefreshPolicy;
  /** How often a worker reports its counters, ms. */
  reportEveryMs: number;
}

/** Supervisor → worker. */
export type SupervisorMessage = { type: "start"; job: WorkerJob } | { type: "stop" };

/** Worker → supervisor. */
export type WorkerMessage =
  | { type: "ready"; index: number }
  | { type: "stats"; index: number; stats: WorkerStats }
  | { type: "done"; index: number; stats: WorkerStats }
  | { type: "failed"; index: number; message: string };
