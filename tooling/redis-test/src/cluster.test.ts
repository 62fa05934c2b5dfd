import { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { clusterNodeCommand, clusterNodesFromEnv, slotOwner, startRedisCluster, type RedisClusterProcesses } from "./mod.ts";
import { redisServerBinary } from "./redis_server.ts";
import { skipLoudly } from "./skip.ts";

const hasBinary = redisServerBinary() !== undefined;
if (!hasBinary) skipLoudly("REDIS CLUSTER HELPER TEST SKIPPED: redis-server is not installed");
const started: RedisClusterProcesses[] = [];
afterAll(async () => {
  for (const cluster of started.splice(0)) await cluster.stop();
});

describe.skipIf(!hasBinary)("startRedisCluster", () => {
  it("starts 3 masters + 3 replicas that serve every slot, names a key's owner, and stops every node by pid", async () => {
    const cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
    started.push(cluster);
    expect(cluster.nodes).toHaveLength(6);
    const roles = await Promise.all(cluster.nodes.map(async (node) => String((await clusterNodeCommand(node, ["ROLE"]) as unknown[])[0])));
    expect(roles.filter((role) => role === "master")).toHaveLength(3);
    expect(roles.filter((role) => role === "slave")).toHaveLength(3);
    const owner = await slotOwner(cluster.nodes[0]!, "{mly:x}:token");
    expect(owner.replicas).toHaveLength(1);
    const client = new Cluster(cluster.nodes.map(({ host, port }) => ({ host, port })));
    await client.set("{mly:x}:token", "v", "PX", 10_000);
    expect(await clusterNodeCommand(owner.master, ["GET", "{mly:x}:token"])).toBe("v");
    client.disconnect();
    await cluster.stop();
    for (const node of cluster.nodes) expect(node.process.signalCode ?? node.process.exitCode).not.toBeNull();
    await cluster.stop(); // idempotent
  });

  it("reads REDIS_CLUSTER_NODES", () => {
    const saved = process.env["REDIS_CLUSTER_NODES"];
    process.env["REDIS_CLUSTER_NODES"] = "127.0.0.1:7000, 127.0.0.1:7001";
    expect(clusterNodesFromEnv()).toEqual([{ host: "127.0.0.1", port: 7000 }, { host: "127.0.0.1", port: 7001 }]);
    process.env["REDIS_CLUSTER_NODES"] = "nonsense";
    expect(() => clusterNodesFromEnv()).toThrow(/host:port/);
    if (saved === undefined) delete process.env["REDIS_CLUSTER_NODES"];
    else process.env["REDIS_CLUSTER_NODES"] = saved;
  });
});
