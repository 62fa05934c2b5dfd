import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free_port.ts";
import { redisServerBinary } from "./redis_server.ts";
import { skipLoudly } from "./skip.ts";

/** One node of a Redis Cluster: loopback host and port. */
export interface ClusterAddress {
  readonly host: string;
  readonly port: number;
}

/** A node of a private cluster: its address and its redis-server process. */
export interface ClusterNodeProcess extends ClusterAddress {
  readonly process: ChildProcess;
}

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Masters (default 3). */
  readonly masters?: number;
  /** Replicas per master (default 1). */
  readonly replicas?: number;
  /** `cluster-node-timeout` in ms (default 1500): how long a node may be silent before a failover. */
  readonly nodeTimeoutMs?: number;
}

/** A private Redis Cluster (never the CI one): plain redis-servers a test may kill. */
export interface RedisClusterProcesses {
  /** Every node, as started (masters and replicas; roles change after a failover). */
  readonly nodes: readonly ClusterNodeProcess[];
  /** `cluster-node-timeout` in ms. */
  readonly nodeTimeoutMs: number;
  /** Stops every node by pid (SIGKILL) and removes the nodes' config directory. Idempotent. */
  stop(): Promise<void>;
}

/** Who serves a key's slot right now. */
export interface SlotOwner {
  readonly slot: number;
  readonly master: ClusterAddress;
  readonly replicas: readonly ClusterAddress[];
}

/**
 * Starts a Redis Cluster on loopback free ports — `masters` × (1 + `replicas`) plain
 * `redis-server --cluster-enabled yes --enable-debug-command local` processes (no persistence),
 * joined with `redis-cli --cluster create … --cluster-replicas <replicas> --cluster-yes` — and
 * waits until every node reports `cluster_state:ok`. Stop it with `stop()` (every node, by pid).
 *
 * @example
 * ```ts
 * import { startRedisCluster } from "@mly/redis-test";
 * const cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
 * console.log(cluster.nodes.map((node) => `${node.host}:${node.port}`).join(","));
 * await cluster.stop();
 * ```
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterProcesses> {
  const binary = redisServerBinary();
  if (binary === undefined) throw new Error("redis-server is not installed");
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1500;
  const dir = mkdtempSync(join(tmpdir(), "mly-redis-cluster-"));
  const nodes: ClusterNodeProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => _kill(node.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i += 1) {
      const port = await freePort();
      // prettier-ignore
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
        "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", String(nodeTimeoutMs),
        "--enable-debug-command", "local", "--cluster-replica-validity-factor", "0"];
      nodes.push({ host: "127.0.0.1", port, process: spawn(binary, args, { stdio: "ignore" }) });
    }
    for (const node of nodes) await waitFor(() => ping(node), `redis-server on port ${node.port} did not start`, 30_000);
    await _run("redis-cli", ["--cluster", "create", ...nodes.map((node) => `${node.host}:${node.port}`), "--cluster-replicas", String(replicas), "--cluster-yes"]);
    await waitForClusterOk(nodes);
    // `cluster_state:ok` comes as soon as every slot is served; which node replicates which master
    // reaches the other nodes by gossip later. Wait until every node sees the whole topology, so
    // a test that asks one node for a key's replicas finds them.
    await waitFor(async () => (await Promise.all(nodes.map((node) => seesTopology(node, masters, masters * replicas)))).every(Boolean), "the cluster's nodes did not all learn its replicas", 30_000);
    return { nodes, nodeTimeoutMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits until every node in `nodes` that answers reports `cluster_state:ok` and agrees on one
 * master per slot range (default up to 30 s); throws after that.
 *
 * @example
 * ```ts
 * import { waitForClusterOk } from "@mly/redis-test";
 * await waitForClusterOk([{ host: "127.0.0.1", port: 7000 }]).catch(() => undefined);
 * ```
 */
export async function waitForClusterOk(nodes: readonly ClusterAddress[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const states = await Promise.all(nodes.map((node) => _command(node, ["CLUSTER", "INFO"]).catch(() => undefined)));
      const answered = states.filter((state): state is string => typeof state === "string");
      return answered.length > 0 && answered.every((state) => state.includes("cluster_state:ok") && /cluster_slots_ok:16384\b/.test(state));
    },
    "the cluster did not reach cluster_state:ok",
    timeoutMs,
  );
}

/**
 * The master serving `key`'s slot and its replicas, as the node at `via` sees it now.
 *
 * @example
 * ```ts
 * import { slotOwner } from "@mly/redis-test";
 * const owner = await slotOwner({ host: "127.0.0.1", port: 7000 }, "{mly:x}:token").catch(() => undefined);
 * ```
 */
export async function slotOwner(via: ClusterAddress, key: string): Promise<SlotOwner> {
  const slot = Number(await _command(via, ["CLUSTER", "KEYSLOT", key]));
  const lines = String(await _command(via, ["CLUSTER", "NODES"])).trim().split("\n");
  const parsed = lines.map((line) => {
    const [id = "", address = "", flags = "", masterId = "", , , , , ...slots] = line.split(" ");
    const [host = "", port = "0"] = address.replace(/@.*$/, "").split(":");
    return { id, host, port: Number(port), flags: flags.split(","), masterId, slots };
  });
  const owns = (ranges: string[]): boolean =>
    ranges.some((range) => {
      if (range.startsWith("[")) return false;
      const [from = "", to = from] = range.split("-");
      return Number(from) <= slot && slot <= Number(to);
    });
  const master = parsed.find((node) => node.flags.includes("master") && !node.flags.includes("fail") && owns(node.slots));
  if (master === undefined) throw new Error(`no master serves slot ${slot} (as ${via.host}:${via.port} sees it)`);
  const replicas = parsed.filter((node) => node.masterId === master.id && !node.flags.includes("fail"));
  return { slot, master: { host: master.host, port: master.port }, replicas: replicas.map((node) => ({ host: node.host, port: node.port })) };
}

/** Whether `node`'s CLUSTER NODES lists `masters` masters serving slots and `replicas` replicas of them. */
async function seesTopology(node: ClusterAddress, masters: number, replicas: number): Promise<boolean> {
  const text = await _command(node, ["CLUSTER", "NODES"]).catch(() => undefined);
  if (typeof text !== "string") return false;
  const parsed = text.trim().split("\n").map((line) => {
    const [id = "", , flags = "", masterId = "", , , , , ...slots] = line.split(" ");
    return { id, flags: flags.split(","), masterId, slots };
  });
  const serving = parsed.filter((entry) => entry.flags.includes("master") && entry.slots.length > 0);
  const servingIds = new Set(serving.map((entry) => entry.id));
  const attached = parsed.filter((entry) => entry.flags.includes("slave") && servingIds.has(entry.masterId));
  return serving.length === masters && attached.length === replicas;
}

/** The cluster found by {@link testRedisCluster}. */
export interface TestRedisCluster {
  /** Seed nodes for a cluster client. */
  readonly nodes: readonly ClusterAddress[];
  /** The private cluster started because REDIS_CLUSTER_NODES was not set; stop it in `afterAll`. */
  readonly cluster: RedisClusterProcesses | undefined;
}

/** `REDIS_CLUSTER_NODES` (`127.0.0.1:7000,127.0.0.1:7001,…`, set by `.ci/run`), parsed; `undefined` when unset. */
export function clusterNodesFromEnv(): ClusterAddress[] | undefined {
  const text = process.env["REDIS_CLUSTER_NODES"];
  if (text === undefined || text.trim() === "") return undefined;
  return text.split(",").map((entry) => {
    const [host = "127.0.0.1", port = ""] = entry.trim().split(":");
    if (!/^\d+$/.test(port)) throw new Error(`REDIS_CLUSTER_NODES: "${entry}" is not host:port`);
    return { host, port: Number(port) };
  });
}

/**
 * The Redis Cluster to test against: `REDIS_CLUSTER_NODES` (set by `.ci/run`) when its nodes
 * answer with `cluster_state:ok`; else a private cluster (3 masters + 3 replicas) started for
 * this test file — stop it in `afterAll` with `cluster.stop()`; else `undefined` after a loud
 * notice — and, when env `CI` is set, an error instead: CI must not skip the cluster tests.
 *
 * @example
 * ```ts
 * import { testRedisCluster } from "@mly/redis-test";
 * const target = await testRedisCluster();
 * // describe.skipIf(target === undefined)(…); afterAll(() => target?.cluster?.stop());
 * ```
 */
export async function testRedisCluster(): Promise<TestRedisCluster | undefined> {
  const fromEnv = clusterNodesFromEnv();
  if (fromEnv !== undefined) {
    try {
      await waitForClusterOk(fromEnv, 5_000);
      return { nodes: fromEnv, cluster: undefined };
    } catch {
      skipLoudly(`REDIS CLUSTER TESTS SKIPPED: REDIS_CLUSTER_NODES=${process.env["REDIS_CLUSTER_NODES"] ?? ""} does not answer with cluster_state:ok.`);
      return undefined;
    }
  }
  if (redisServerBinary() !== undefined) {
    const cluster = await startRedisCluster();
    return { nodes: cluster.nodes.map(({ host, port }) => ({ host, port })), cluster };
  }
  skipLoudly("REDIS CLUSTER TESTS SKIPPED: REDIS_CLUSTER_NODES is not set and redis-server is not installed.\n!!! Set REDIS_CLUSTER_NODES or install redis-server.");
  return undefined;
}

/** Sends one command to one node (its own short-lived connection, no retries). */
async function _command(node: ClusterAddress, args: readonly string[]): Promise<unknown> {
  const client = new Redis({ host: node.host, port: node.port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.call(args[0] ?? "", ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/**
 * Sends one command to one cluster node on its own connection (`CLUSTER FAILOVER`, `DEBUG SLEEP`, …).
 *
 * @example
 * ```ts
 * import { clusterNodeCommand } from "@mly/redis-test";
 * await clusterNodeCommand({ host: "127.0.0.1", port: 7000 }, ["PING"]).catch(() => undefined);
 * ```
 */
export function clusterNodeCommand(node: ClusterAddress, args: readonly string[]): Promise<unknown> {
  return _command(node, args);
}

async function ping(node: ClusterAddress): Promise<boolean> {
  return (await _command(node, ["PING"]).catch(() => undefined)) === "PONG";
}

async function waitFor(check: () => Promise<boolean>, failure: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function _run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited ${String(code)}: ${stderr}`));
    });
  });
}

function _kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    child.once("exit", () => {
      resolve();
    });
    process.kill(child.pid, "SIGKILL");
  });
}
