// Cluster clients of both libraries for the tests, on the seed nodes a test was given.
import type { ClusterAddress } from "@mly/redis-test";
import { Cluster } from "ioredis";
import { createCluster, type RedisClusterType } from "redis";

/** The clients a test opened, closed by {@link closeClusterClients}. */
const opened: (() => Promise<unknown>)[] = [];

/** An ioredis `Cluster` on `nodes`. */
export function ioredisCluster(nodes: readonly ClusterAddress[]): Cluster {
  const client = new Cluster(nodes.map(({ host, port }) => ({ host, port })), { retryDelayOnFailover: 100, retryDelayOnClusterDown: 100 });
  client.on("error", () => undefined);
  opened.push(async () => {
    client.disconnect();
  });
  return client;
}

/** A connected node-redis cluster (`createCluster`) on `nodes`. */
export async function nodeRedisCluster(nodes: readonly ClusterAddress[]): Promise<RedisClusterType> {
  const client = createCluster({ rootNodes: nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  client.on("error", () => undefined);
  await client.connect();
  opened.push(async () => {
    client.destroy();
  });
  return client;
}

/** Closes every client opened so far. */
export async function closeClusterClients(): Promise<void> {
  for (const close of opened.splice(0)) await close();
}
