// One process of the "refresh exactly once" test on a RedisTokenStore over Redis Cluster:
// argv client ("ioredis" | "node-redis"), seed nodes (host:port,…), key, endpoint, callers, prefix.
import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { runRefresher } from "../../../storage/test/children/_refresher.ts";
import { RedisTokenStore } from "../../src/redis_token_store.ts";

const [kind = "ioredis", seeds = "", key = "", endpoint = "", callers = "250", prefix = "mly"] = process.argv.slice(2);
const nodes = seeds.split(",").map((seed) => {
  const [host = "127.0.0.1", port = "0"] = seed.split(":");
  return { host, port: Number(port) };
});
if (kind === "ioredis") {
  await runRefresher(new RedisTokenStore({ client: new Cluster(nodes), prefix }), key, endpoint, Number(callers));
} else {
  const client = createCluster({ rootNodes: nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  await client.connect();
  await runRefresher(new RedisTokenStore({ client, prefix }), key, endpoint, Number(callers));
}
