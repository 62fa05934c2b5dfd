// Faults of a Redis Cluster under load, each on its own private cluster (they kill and stop nodes):
// the master owning the keys killed (kill -9 by pid), CLUSTER FAILOVER on its replica, DEBUG SLEEP
// longer than the node timeout. The load runs in 4 OS processes, each with its own cluster client
// (ioredis `Cluster` or node-redis `createCluster`): token writers on a RedisTokenStore, and callers
// of the sandbox's Mapiq API (20 per window) through a shared RedisRateLimiter. With both clients:
// callers see only BackendUnavailableError while it lasts, every acknowledged token is still
// readable after, the sandbox sees 0 × 429, and calls of both kinds (token writes, and API calls
// through the limiter) succeed again within GIVE_UP_MS. The figures (errors seen,
// recovery time against the node timeout) are printed: a time bound is not asserted (a busy machine
// must not turn it red).
import { BackendUnavailableError, formatTokenKey, mapiqProfile } from "@mly/auth-core";
import { rateLimitKeys } from "@mly/auth-core/rate-limit";
import { clusterNodeCommand, redisServerBinary, skipLoudly, slotOwner, startRedisCluster, type ClusterAddress, type RedisClusterProcesses } from "@mly/redis-test";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleChild } from "../../storage/test/_bundle.ts";
import { spawnNode, type Child } from "../../storage/test/_children.ts";
import { RedisRateLimiter } from "../../ratelimit-redis/src/redis_rate_limiter.ts";
import { RedisTokenStore } from "../src/redis_token_store.ts";
import { closeClusterClients, ioredisCluster } from "./_cluster_clients.ts";
import type { FaultLoadConfig, FaultLoadReport } from "./_fault_load.ts";

const hasBinary = redisServerBinary() !== undefined;
if (!hasBinary) skipLoudly("REDIS CLUSTER FAULT TESTS SKIPPED: redis-server is not installed");

const NODE_TIMEOUT_MS = 1000;
const PROCESSES = 4;
const WRITERS_PER_KEY = 2;
const CALLERS_PER_PROCESS = 2;
const LIMIT = 20;
const WINDOW_MS = 1000;
/** node-redis' topology refresh after a node stops answering, as the README recommends. */
const TOPOLOGY_REFRESH_MS = 250;
/** Load before the fault, and at least this long after calls succeed again. */
const STEADY_MS = 1000;
/** A generous bound on the outage: past it, the test fails (not a speed claim: recovery is measured and printed). */
const GIVE_UP_MS = 30_000;

const clusters: RedisClusterProcesses[] = [];
const children: Child[] = [];
const closers: (() => Promise<void>)[] = [];
let sandbox: Sandbox;
let script: string;
beforeAll(async () => {
  script = await bundleChild(join(import.meta.dirname, "children", "cluster_fault_load.ts"), join(import.meta.dirname, ".."), ["ioredis", "redis"]);
  sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: LIMIT, windowMs: WINDOW_MS, shape: "sliding-log" } } });
  closers.push(() => sandbox.close());
}, 120_000);
afterAll(async () => {
  for (const child of children.splice(0)) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
  await closeClusterClients();
  for (const cluster of clusters.splice(0)) await cluster.stop(); // every node, by pid
  for (const close of closers.splice(0)) await close();
});

type Fault = "kill -9 the master" | "CLUSTER FAILOVER on its replica" | "DEBUG SLEEP on the master";

/** The two kinds of calls of the load: token writes (RedisTokenStore), API calls (through the RedisRateLimiter). */
const KINDS = ["token", "api"] as const;
type Kind = (typeof KINDS)[number];

interface Outcome {
  errors: Map<string, number>;
  lost: number;
  rejected: number;
  recoveryMs: number;
  /** Kinds of calls with no success since the fault's last error (or since the fault) when the load stopped. */
  stalled: Kind[];
}

/** `count` token keys (and a limiter prefix) whose slots the same master serves. */
async function keysOnOneMaster(via: ClusterAddress, store: RedisTokenStore, run: string, count: number): Promise<{ master: ClusterAddress; replicas: readonly ClusterAddress[]; keys: string[]; limiterPrefix: string }> {
  const first = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: `${run}-0` });
  const owner = await slotOwner(via, store.tokenKeyOf(first));
  const keys = [first];
  for (let i = 1; keys.length < count; i += 1) {
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: `${run}-${i}` });
    if ((await slotOwner(via, store.tokenKeyOf(key))).master.port === owner.master.port) keys.push(key);
  }
  for (let i = 0; ; i += 1) {
    const limiterPrefix = `mly:rl:${run}:${i}`;
    const probe = new RedisRateLimiter({ client: { send: () => Promise.resolve(null) }, limit: LIMIT, windowMs: WINDOW_MS, prefix: limiterPrefix });
    if ((await slotOwner(via, probe.redisKeys("k")[0])).master.port === owner.master.port) return { ...owner, keys, limiterPrefix };
  }
}

function pidOf(cluster: RedisClusterProcesses, address: ClusterAddress): number {
  const node = cluster.nodes.find((candidate) => candidate.port === address.port);
  if (node?.process.pid === undefined) throw new Error(`no process for port ${address.port}`);
  return node.process.pid;
}

/** `call`, retried while it fails with BackendUnavailableError (up to GIVE_UP_MS). */
async function untilAnswered<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof BackendUnavailableError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A bearer token for the sandbox's Mapiq API (client credentials). */
async function mapiqToken(): Promise<string> {
  const response = await fetch(sandbox.endpoints.mapiq.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: sandbox.credentials.mapiq.clientId, client_secret: sandbox.credentials.mapiq.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * The replica of `master`, once every node knows it and its link to the master is up (a fresh
 * cluster is `ok` before its replicas have synced; a failover needs a synced replica).
 */
async function syncedReplica(seeds: readonly ClusterAddress[], key: string, master: ClusterAddress): Promise<ClusterAddress> {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const owners = await Promise.all(seeds.map((seed) => slotOwner(seed, key)));
    const replica = owners[0]?.replicas[0];
    const everyoneAgrees = replica !== undefined && owners.every((owner) => owner.master.port === master.port && owner.replicas.some((r) => r.port === replica.port));
    if (everyoneAgrees && String(await clusterNodeCommand(replica, ["INFO", "replication"])).includes("master_link_status:up")) return replica;
    if (Date.now() > deadline) throw new Error(`no replica of ${master.host}:${master.port} in sync after ${GIVE_UP_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function underFault(kind: "ioredis" | "node-redis", fault: Fault): Promise<Outcome> {
  const cluster = await startRedisCluster({ nodeTimeoutMs: NODE_TIMEOUT_MS });
  clusters.push(cluster);
  const load: Child[] = [];
  try {
    return await underFaultOn(cluster, kind, fault, load);
  } finally {
    // Whatever happened, this test's load and cluster end with it: nothing spills into the next test.
    for (const child of load) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
    await closeClusterClients();
    await cluster.stop();
  }
}

async function underFaultOn(cluster: RedisClusterProcesses, kind: "ioredis" | "node-redis", fault: Fault, load: Child[]): Promise<Outcome> {
  const seeds = cluster.nodes.map(({ host, port }) => ({ host, port }));
  const run = Math.random().toString(36).slice(2, 8);
  const storePrefix = `mly-fault-${run}`;
  const reader = new RedisTokenStore({ client: ioredisCluster(seeds), prefix: storePrefix, timeoutMs: 2_000 });
  const target = await keysOnOneMaster(seeds[0]!, reader, run, PROCESSES);
  const replica = await syncedReplica(seeds, reader.tokenKeyOf(target.keys[0]!), target.master);
  const { apiBaseUrl } = sandbox.endpoints.mapiq;
  const url = `${apiBaseUrl}/v2/buildings`;
  const path = new URL(url).pathname;
  const logBefore = sandbox.log.entries({ method: "GET", path }).length;
  const base = {
    kind, nodes: seeds, topologyRefreshMs: TOPOLOGY_REFRESH_MS, storePrefix, writersPerKey: WRITERS_PER_KEY, limiterPrefix: target.limiterPrefix,
    limit: LIMIT, windowMs: WINDOW_MS, url, token: await mapiqToken(), routeKey: rateLimitKeys(mapiqProfile({ apiBaseUrl }), "GET", url)[0] ?? "", callers: CALLERS_PER_PROCESS,
  } satisfies Omit<FaultLoadConfig, "keys">;
  load.push(...target.keys.map((key) => spawnNode(script, [JSON.stringify({ ...base, keys: [key] } satisfies FaultLoadConfig)])));
  children.push(...load);

  const errors = new Map<string, number>();
  let lastError = 0;
  let faultAt = 0;
  /** Per kind: the first success since the fault and since the last error (0: none yet). */
  const okSince: Record<Kind, number> = { token: 0, api: 0 };
  let watching = true;
  for (const child of load) {
    child.onLine = (line: string): void => {
      const [word, kind, ...rest] = line.split(" ");
      if (word === "err" && (kind === "token" || kind === "api")) {
        const name = rest.join(" ");
        errors.set(name, (errors.get(name) ?? 0) + 1); // every error counts, until the child exits
        if (!watching) return; // recovery is judged on what happened until "stop"
        lastError = Date.now();
        okSince.token = 0;
        okSince.api = 0;
      } else if (word === "ok" && (kind === "token" || kind === "api") && faultAt > 0 && okSince[kind] === 0) {
        okSince[kind] = Date.now();
      }
    };
  }
  await Promise.all(load.map((child) => child.waitFor((line) => line === "ready", 60_000)));
  for (const child of load) child.process.stdin?.write("go\n");
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  await pause(STEADY_MS);
  faultAt = Date.now();
  if (fault === "kill -9 the master") process.kill(pidOf(cluster, target.master), "SIGKILL");
  else if (fault === "CLUSTER FAILOVER on its replica") await clusterNodeCommand(replica, ["CLUSTER", "FAILOVER"]);
  else void clusterNodeCommand(target.master, ["DEBUG", "SLEEP", String((NODE_TIMEOUT_MS + 1500) / 1000)]).catch(() => undefined);
  // Load goes on past the node timeout, then until both kinds of calls have succeeded again and no
  // call failed for STEADY_MS (or GIVE_UP_MS passed). A kind whose calls neither fail nor succeed (a
  // limiter that holds its callers) is not healthy.
  const deadline = faultAt + GIVE_UP_MS;
  for (;;) {
    await pause(50);
    const now = Date.now();
    const observed = now - faultAt > NODE_TIMEOUT_MS + 2_000;
    const healthy = now - lastError > STEADY_MS && KINDS.every((kind) => okSince[kind] > 0);
    if ((observed && healthy) || now > deadline) break;
  }
  watching = false;
  const stalled = KINDS.filter((kind) => okSince[kind] === 0);
  for (const child of load) child.process.stdin?.write("stop\n");
  const reports = await Promise.all(load.map(async (child) => JSON.parse(await child.waitFor((line) => line.startsWith("{"), 60_000)) as FaultLoadReport));
  await Promise.all(load.map((child) => child.exited));

  let lost = 0;
  let keys = 0;
  for (const report of reports) {
    for (const [key, seq] of Object.entries(report.acked)) {
      keys += 1;
      const stored = await untilAnswered(() => reader.get(key));
      const readSeq = Number(stored?.tokens.accessToken.reveal().replace(/^at-seq-/, "") ?? 0);
      if (!(readSeq >= seq)) lost += 1;
      await untilAnswered(() => reader.delete(key));
    }
  }
  const entries = sandbox.log.entries({ method: "GET", path }).slice(logBefore);
  const rejected = entries.filter((entry) => entry.status === 429).length;
  const recoveryMs = stalled.length > 0 ? Number.NaN : lastError === 0 ? 0 : Math.max(...KINDS.map((kind) => okSince[kind])) - faultAt;
  console.log(
    `cluster fault [${kind}] ${fault}, ${PROCESSES} processes: errors ${JSON.stringify(Object.fromEntries(errors))}, calls succeed again ${recoveryMs} ms after the fault ` +
      `(node timeout ${NODE_TIMEOUT_MS} ms)${stalled.length > 0 ? `, no success since the last error: ${stalled.join(", ")}` : ""}, acknowledged tokens lost ${lost} of ${keys} keys, sandbox 429s ${rejected}, 200s ${entries.length - rejected}`,
  );
  expect(reports.reduce((sum, report) => sum + report.rejected, 0)).toBe(rejected);
  return { errors, lost, rejected, recoveryMs, stalled };
}

describe.skipIf(!hasBinary)("Redis Cluster faults under load (own private cluster per test)", () => {
  for (const kind of ["ioredis", "node-redis"] as const) {
    for (const fault of ["kill -9 the master", "CLUSTER FAILOVER on its replica", "DEBUG SLEEP on the master"] as const) {
      it(`${kind}: ${fault} → only BackendUnavailableError, 0 acknowledged tokens lost, 0 × 429, calls succeed again`, async () => {
        const outcome = await underFault(kind, fault);
        expect([...outcome.errors.keys()].filter((name) => name !== "BackendUnavailableError")).toEqual([]);
        expect(outcome.lost).toBe(0);
        expect(outcome.rejected).toBe(0);
        expect(outcome.stalled).toEqual([]);
        expect(Number.isFinite(outcome.recoveryMs)).toBe(true);
      }, 150_000);
    }
  }
});
