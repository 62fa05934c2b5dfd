import { redisUrlFromEnv, testRedis } from "@mly/redis-test";
import { Redis } from "ioredis";
import { afterAll, it } from "vitest";
import { RedisRateLimiter } from "../../ratelimit-redis/src/mod.ts";

/** REDIS_URL, else a redis-server on a free port, else undefined after a loud notice (an error under CI). */
const target = await testRedis();
const url = target?.url ?? "";
const clients: Redis[] = [];
function client(): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  clients.push(redis);
  return redis;
}
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await target?.server?.stop();
});

it("(b) Redis limiter: round trips per acquire, acquires/s beside a plain GET", async () => {
  if (target === undefined) {
    console.warn(`\n!!! (b) SKIPPED: no Redis at ${redisUrlFromEnv()} !!!\n`);
    return;
  }
  const redis = client();
  const limiter = new RedisRateLimiter({ client: redis, limit: 1_000_000_000, windowMs: 1000, mode: "burst", prefix: `mly:rl:bench:${Date.now()}` });
  const key = "GET /v2/buildings/{id}";
  const encoded = encodeURIComponent(key);
  await (await limiter.acquire(key)).cancel(); // the script is cached from here on

  // Round trips: every command this client sends for the key, seen by MONITOR (script-internal
  // commands, source "lua", are not round trips and are left out).
  const monitor = await client().monitor();
  let sent = 0;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source !== "lua" && args.some((arg) => arg.includes(encoded))) sent += 1;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const counted = 1000;
  const permits = [];
  for (let i = 0; i < counted; i += 1) permits.push(await limiter.acquire(key));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const acquireTrips = sent;
  for (const permit of permits) await permit.settle();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const settleTrips = sent - acquireTrips;
  monitor.disconnect();

  const measure = async (body: () => Promise<unknown>): Promise<number> => {
    for (let i = 0; i < 200; i += 1) await body();
    const n = 5000;
    const started = performance.now();
    for (let i = 0; i < n; i += 1) await body();
    return (n * 1000) / (performance.now() - started);
  };
  await redis.set("mly:rl:bench:plain", "1", "PX", 60_000);
  const getRate = await measure(() => redis.get("mly:rl:bench:plain"));
  const held: { settle: () => unknown }[] = [];
  const acquireRate = await measure(async () => held.push(await limiter.acquire(key)));
  await Promise.all(held.map((permit) => permit.settle()));

  console.log(
    [
      "",
      "(b) Redis limiter (ioredis, one connection, sequential awaits, Redis on loopback)",
      `round trips per acquire: ${(acquireTrips / counted).toFixed(3)} (${acquireTrips} commands for ${counted} acquires, MONITOR)`,
      `round trips per settle:  ${(settleTrips / counted).toFixed(3)}`,
      `acquires/s: ${acquireRate.toFixed(0)}; plain GET/s: ${getRate.toFixed(0)}; ratio acquire/GET: ${(acquireRate / getRate).toFixed(2)}`,
      "",
    ].join("\n"),
  );
  if (acquireTrips !== counted) throw new Error(`expected exactly one round trip per acquire, saw ${acquireTrips} for ${counted}`);
});
