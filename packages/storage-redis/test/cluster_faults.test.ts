// Faults of a Redis Cluster under load, each on its own private cluster (they kill and stop nodes):
// the master owning the keys killed (kill -9 by pid), CLUSTER FAILOVER on its replica, DEBUG SLEEP
// longer than the node timeout. Under load from a RedisTokenStore (writes and reads) and a shared
// RedisRateLimiter in front of a server that answers 429 above its limit, with both clients:
// callers see only BackendUnavailableError while it lasts, every acknowledged token is still
// readable after, the server sees 0 × 429, and calls succeed again. The figures (errors seen,
// recovery time) are printed: a time bound is not asserted (a busy machine must not turn it red).
import { BackendUnavailableError, formatTokenKey } from "@mly/auth-core";
import { clusterNodeCommand, redisServerBinary, skipLoudly, slotOwner, startRedisCluster, type ClusterAddress, type RedisClusterProcesses } from "@mly/redis-test";
import { sampleTokenSet } from "@mly/storage/conformance";
import { afterAll, describe, expect, it } from "vitest";
import { _startShapeServer } from "../../ratelimit-redis/src/_test_server.ts";
import { RedisRateLimiter } from "../../ratelimit-redis/src/redis_rate_limiter.ts";
import { RedisTokenStore } from "../src/redis_token_store.ts";
import { closeClusterClients, ioredisCluster, nodeRedisCluster } from "./_cluster_clients.ts";

const hasBinary = redisServerBinary() !== undefined;
if (!hasBinary) skipLoudly("REDIS CLUSTER FAULT TESTS SKIPPED: redis-server is not installed");

const NODE_TIMEOUT_MS = 1000;
const KEYS = 4;
const WRITERS_PER_KEY = 2;
const LIMITER_CALLERS = 4;
const LIMIT = 20;
const WINDOW_MS = 1000;
/** Load before the fault, and at least this long after calls succeed again. */
const STEADY_MS = 1000;
/** A generous bound on the outage: past it, the test fails (not a speed claim: recovery is measured and printed). */
const GIVE_UP_MS = 30_000;

const clusters: RedisClusterProcesses[] = [];
afterAll(async () => {
  await closeClusterClients();
  for (const cluster of clusters.splice(0)) await cluster.stop(); // every node, by pid
});

type Fault = "kill -9 the master" | "CLUSTER FAILOVER on its replica" | "DEBUG SLEEP on the master";

interface Outcome {
  errors: Map<string, number>;
  lost: number;
  rejected: number;
  recoveryMs: number;
}

/** `count` token keys (and a limiter prefix) whose slots the same master serves. */
async function keysOnOneMaster(via: ClusterAddress, store: RedisTokenStore, run: string): Promise<{ master: ClusterAddress; replicas: readonly ClusterAddress[]; keys: string[]; limiterPrefix: string }> {
  const first = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: `${run}-0` });
  const owner = await slotOwner(via, store.tokenKeyOf(first));
  const keys = [first];
  for (let i = 1; keys.length < KEYS; i += 1) {
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

async function underFault(kind: "ioredis" | "node-redis", fault: Fault): Promise<Outcome> {
  const cluster = await startRedisCluster({ nodeTimeoutMs: NODE_TIMEOUT_MS });
  clusters.push(cluster);
  const seeds = cluster.nodes.map(({ host, port }) => ({ host, port }));
  const client = kind === "ioredis" ? ioredisCluster(seeds) : await nodeRedisCluster(seeds);
  const run = Math.random().toString(36).slice(2, 8);
  const store = new RedisTokenStore({ client, prefix: `mly-fault-${run}`, timeoutMs: 500 });
  const target = await keysOnOneMaster(seeds[0]!, store, run);
  const server = await _startShapeServer("sliding-log", LIMIT, WINDOW_MS);
  const limiter = new RedisRateLimiter({ client, limit: LIMIT, windowMs: WINDOW_MS, prefix: target.limiterPrefix, timeoutMs: 500 });

  const errors = new Map<string, number>();
  const acked = new Map<string, number>(); // key → the highest sequence number a set acknowledged
  let lastError = 0;
  let firstSuccessAfterError = 0;
  let faultAt = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  const noteError = (error: unknown): void => {
    const name = error instanceof BackendUnavailableError ? "BackendUnavailableError" : `${(error as Error).name}: ${(error as Error).message}`;
    errors.set(name, (errors.get(name) ?? 0) + 1);
    lastError = Date.now();
    firstSuccessAfterError = 0;
  };
  const noteSuccess = (): void => {
    if (lastError > 0 && firstSuccessAfterError === 0) firstSuccessAfterError = Date.now();
  };
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  let sequence = 0;
  const writer = async (key: string): Promise<void> => {
    while (Date.now() < stopAt) {
      const seq = ++sequence;
      try {
        await store.set(key, sampleTokenSet(`seq-${seq}`, { expiresAt: Date.now() + 60_000, refreshToken: undefined }));
        acked.set(key, Math.max(acked.get(key) ?? 0, seq));
        await store.get(key);
        noteSuccess();
      } catch (error) {
        noteError(error);
        await pause(20);
      }
    }
  };
  const limited = async (): Promise<void> => {
    while (Date.now() < stopAt) {
      try {
        const permit = await limiter.acquire("GET /v2/buildings");
        const response = await fetch(server.url);
        await response.text();
        await permit.settle({ status: response.status });
        noteSuccess();
      } catch (error) {
        noteError(error);
        await pause(20);
      }
    }
  };
  const load = Promise.all([...target.keys.flatMap((key) => Array.from({ length: WRITERS_PER_KEY }, () => writer(key))), ...Array.from({ length: LIMITER_CALLERS }, () => limited())]);

  await pause(STEADY_MS);
  faultAt = Date.now();
  if (fault === "kill -9 the master") process.kill(pidOf(cluster, target.master), "SIGKILL");
  else if (fault === "CLUSTER FAILOVER on its replica") await clusterNodeCommand(target.replicas[0]!, ["CLUSTER", "FAILOVER"]);
  else void clusterNodeCommand(target.master, ["DEBUG", "SLEEP", String((NODE_TIMEOUT_MS + 1500) / 1000)]).catch(() => undefined);
  // Load goes on past the node timeout, then until calls have succeeded again for STEADY_MS (or GIVE_UP_MS passed).
  const deadline = faultAt + GIVE_UP_MS;
  for (;;) {
    await pause(50);
    const now = Date.now();
    const observed = now - faultAt > NODE_TIMEOUT_MS + 2_000;
    const healthy = now - lastError > STEADY_MS && (lastError === 0 || firstSuccessAfterError > 0);
    if ((observed && healthy) || now > deadline) break;
  }
  stopAt = Date.now();
  await load;
  await server.close();

  if (process.env["MLY_DEBUG_CLUSTER"] !== undefined) {
    for (const node of cluster.nodes) console.log(node.port, String(await clusterNodeCommand(node, ["CLUSTER", "NODES"]).catch((e: unknown) => String(e))));
  }
  let lost = 0;
  const reader = new RedisTokenStore({ client, prefix: `mly-fault-${run}`, timeoutMs: 2_000 });
  for (const [key, seq] of acked) {
    const stored = await untilAnswered(() => reader.get(key));
    const readSeq = Number(stored?.tokens.accessToken.reveal().replace(/^at-seq-/, "") ?? 0);
    if (!(readSeq >= seq)) lost += 1;
    await untilAnswered(() => reader.delete(key));
  }
  const recoveryMs = lastError === 0 ? 0 : firstSuccessAfterError > 0 ? firstSuccessAfterError - faultAt : Number.NaN;
  console.log(
    `cluster fault [${kind}] ${fault}: errors ${JSON.stringify(Object.fromEntries(errors))}, calls succeed again ${recoveryMs} ms after the fault ` +
      `(node timeout ${NODE_TIMEOUT_MS} ms), acknowledged tokens lost ${lost} of ${acked.size} keys, server 429s ${server.rejected}, accepted ${server.accepted.length}`,
  );
  await cluster.stop();
  return { errors, lost, rejected: server.rejected, recoveryMs };
}

describe.skipIf(!hasBinary)("Redis Cluster faults under load (own private cluster per test)", () => {
  for (const kind of ["ioredis", "node-redis"] as const) {
    for (const fault of ["kill -9 the master", "CLUSTER FAILOVER on its replica", "DEBUG SLEEP on the master"] as const) {
      it(`${kind}: ${fault} → only BackendUnavailableError, 0 acknowledged tokens lost, 0 × 429, calls succeed again`, async () => {
        const outcome = await underFault(kind, fault);
        expect([...outcome.errors.keys()].filter((name) => name !== "BackendUnavailableError")).toEqual([]);
        expect(outcome.lost).toBe(0);
        expect(outcome.rejected).toBe(0);
        expect(Number.isFinite(outcome.recoveryMs)).toBe(true);
      }, 90_000);
    }
  }
});
