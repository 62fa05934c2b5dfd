// One OS process of the shared-limiter-on-Redis-Cluster test: argv one JSON config; prints
// "ready", waits for a line on stdin, runs `callers` callers against the sandbox's Mapiq API
// through its own RedisRateLimiter (ioredis Cluster or node-redis createCluster) for `durationMs`,
// prints a JSON report (accepted, rejected, errors) and exits.
import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { RedisRateLimiter } from "./redis_rate_limiter.ts";
import type { RedisClientLike } from "@mly/redis-script";

interface Config {
  kind: "ioredis" | "node-redis";
  nodes: { host: string; port: number }[];
  prefix: string;
  limit: number;
  windowMs: number;
  url: string;
  key: string;
  token: string;
  callers: number;
  durationMs: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
setTimeout(() => process.exit(71), config.durationMs + 120_000).unref();
let client: RedisClientLike;
let close: () => void;
if (config.kind === "ioredis") {
  const cluster = new Cluster(config.nodes);
  client = cluster;
  close = () => { cluster.disconnect(); };
} else {
  const cluster = createCluster({ rootNodes: config.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  await cluster.connect();
  client = cluster;
  close = () => { cluster.destroy(); };
}
// A generous timeout: the claim here is 0 × 429 with processes sharing the limit, not latency on a busy machine.
const limiter = new RedisRateLimiter({ client, limit: config.limit, windowMs: config.windowMs, prefix: config.prefix, timeoutMs: 5_000 });
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => { resolve(); }));
const endAt = Date.now() + config.durationMs;
let accepted = 0;
let rejected = 0;
const errors: string[] = [];
const caller = async (): Promise<void> => {
  for (;;) {
    let permit;
    try {
      permit = await limiter.acquire(config.key);
    } catch (error) {
      errors.push(String(error));
      if (Date.now() >= endAt) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (Date.now() >= endAt) {
      await permit.cancel();
      return;
    }
    const response = await fetch(config.url, { headers: { authorization: `Bearer ${config.token}` } });
    await response.arrayBuffer();
    if (response.status === 429) rejected += 1;
    else accepted += 1;
    await permit.settle({ status: response.status });
  }
};
await Promise.all(Array.from({ length: config.callers }, caller));
process.stdout.write(`${JSON.stringify({ accepted, rejected, errors: errors.slice(0, 5) })}\n`);
close();
process.exit(0);
