// The contract between cluster_faults.test.ts and its load processes (children/cluster_fault_load.ts).

/** What one load process is told to do (its argv, as JSON). */
export interface FaultLoadConfig {
  kind: "ioredis" | "node-redis";
  nodes: { host: string; port: number }[];
  /** node-redis' `topologyRefreshOnReconnectionAttemptStrategy`, as storage-redis' README recommends. */
  topologyRefreshMs: number;
  storePrefix: string;
  /** Token keys this process writes (no other process writes them). */
  keys: string[];
  writersPerKey: number;
  limiterPrefix: string;
  limit: number;
  windowMs: number;
  /** The sandbox's Mapiq URL, the bearer token for it and the limiter's route key. */
  url: string;
  token: string;
  routeKey: string;
  callers: number;
}

/** What one load process reports when told to stop. */
export interface FaultLoadReport {
  /** Failed calls by error name (only "BackendUnavailableError" is expected). */
  errors: Record<string, number>;
  /** Token key → the highest sequence number a `set` acknowledged. */
  acked: Record<string, number>;
  /** Mapiq answers seen: 2xx/other and 429. */
  accepted: number;
  rejected: number;
}
