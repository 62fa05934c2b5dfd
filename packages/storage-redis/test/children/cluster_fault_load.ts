// One OS process of the cluster fault tests' load: argv one JSON config (see `FaultLoadConfig`).
// It opens its own cluster client (ioredis `Cluster` or node-redis `createCluster`), prints "ready",
// and on "go" runs token writers (set then get, each set numbered) on its keys through a
// RedisTokenStore, and callers of the sandbox's Mapiq API through a shared RedisRateLimiter. While
// it prints "err <kind> <name>" for every failed call and "ok <kind>" for a call that succeeds (at
// once after an error, else at most every 50 ms per kind), `kind` being "token" (a writer) or "api"
// (a caller), so the parent sees when each kind of call works again. On "stop" it prints its JSON
// report (`FaultLoadReport`) and exits: every call of the load is bounded (the store's and the
// limiter's `timeoutMs`, the fetch's timeout) and a caller waiting in the limiter gives up at "stop",
// so the report comes within seconds whatever state Redis is in.
import { AbortedError, BackendUnavailableError, type TokenSet } from "@mly/auth-core";
import type { RedisClientLike } from "@mly/redis-script";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { Cluster } from "ioredis";
import { createInterface } from "node:readline";
import { createCluster } from "redis";
import { RedisRateLimiter } from "../../../ratelimit-redis/src/redis_rate_limiter.ts";
import { RedisTokenStore } from "../../src/redis_token_store.ts";
import type { FaultLoadConfig, FaultLoadReport } from "../_fault_load.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as FaultLoadConfig;
setTimeout(() => process.exit(71), 300_000).unref(); // never outlive a broken parent

let client: RedisClientLike;
let close: () => void;
if (config.kind === "ioredis") {
  const cluster = new Cluster(config.nodes, { retryDelayOnFailover: 100, retryDelayOnClusterDown: 100 });
  cluster.on("error", () => undefined);
  await new Promise((resolve) => cluster.once("ready", resolve));
  client = cluster;
  close = () => { cluster.disconnect(); };
} else {
  const cluster = createCluster({
    rootNodes: config.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
    // What storage-redis' README recommends: look up the topology soon after a node stops answering
    // (node-redis waits 5 s by default, and its reconnect back-off grows to 2 s), so calls work
    // again as soon as a replica is promoted.
    topologyRefreshOnReconnectionAttemptStrategy: config.topologyRefreshMs,
    defaults: { socket: { reconnectStrategy: (retries: number): number => Math.min(50 * 2 ** retries, config.topologyRefreshMs * 2) } },
  });
  cluster.on("error", () => undefined);
  await cluster.connect();
  client = cluster;
  close = () => { cluster.destroy(); };
}

const store = new RedisTokenStore({ client, prefix: config.storePrefix, timeoutMs: 500 });
const limiter = new RedisRateLimiter({ client, limit: config.limit, windowMs: config.windowMs, prefix: config.limiterPrefix, timeoutMs: 500 });

const errors: Record<string, number> = {};
const acked: Record<string, number> = {};
let accepted = 0;
let rejected = 0;
type Kind = "token" | "api";
const failing: Record<Kind, boolean> = { token: false, api: false };
const lastOkPrinted: Record<Kind, number> = { token: 0, api: 0 };
let stopping = false;
/** Aborted at "stop": a caller waiting for its turn in the limiter gives up then. */
const stopped = new AbortController();

function noteError(kind: Kind, error: unknown): void {
  const name = error instanceof BackendUnavailableError ? "BackendUnavailableError" : `${(error as Error).name}: ${(error as Error).message}`;
  errors[name] = (errors[name] ?? 0) + 1;
  failing[kind] = true;
  process.stdout.write(`err ${kind} ${name}\n`);
}

function noteSuccess(kind: Kind): void {
  const now = Date.now();
  if (failing[kind] || now - lastOkPrinted[kind] >= 50) {
    process.stdout.write(`ok ${kind}\n`);
    lastOkPrinted[kind] = now;
    failing[kind] = false;
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let sequence = 0;

async function writer(key: string): Promise<void> {
  while (!stopping) {
    const seq = ++sequence;
    const tokens: TokenSet = sampleTokenSet(`seq-${seq}`, { expiresAt: Date.now() + 60_000, refreshToken: undefined });
    try {
      await store.set(key, tokens);
      acked[key] = Math.max(acked[key] ?? 0, seq);
      await store.get(key);
      noteSuccess("token");
    } catch (error) {
      noteError("token", error);
      await pause(20);
    }
  }
}

async function caller(): Promise<void> {
  while (!stopping) {
    try {
      const permit = await limiter.acquire(config.routeKey, { signal: stopped.signal });
      // Bounded, like every call of the load: a call that never ends would keep this child from reporting.
      const response = await fetch(config.url, { headers: { authorization: `Bearer ${config.token}` }, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 429) rejected += 1;
      else accepted += 1;
      await permit.settle({ status: response.status });
      noteSuccess("api");
    } catch (error) {
      if (stopped.signal.aborted && error instanceof AbortedError) break; // told to stop while waiting for a turn
      noteError("api", error);
      await pause(20);
    }
  }
}

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on("line", (line) => { if (line === "go") resolve(); }));
const stop = new Promise<void>((resolve) => lines.on("line", (line) => { if (line === "stop") resolve(); }));
process.stdout.write("ready\n");
await go;
const load = Promise.all([
  ...config.keys.flatMap((key) => Array.from({ length: config.writersPerKey }, () => writer(key))),
  ...Array.from({ length: config.callers }, () => caller()),
]);
await stop;
stopping = true;
stopped.abort();
await load;
const report: FaultLoadReport = { errors, acked, accepted, rejected };
process.stdout.write(`${JSON.stringify(report)}\n`);
close();
process.exit(0);
