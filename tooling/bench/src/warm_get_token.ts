/**
 * Warm token path on Redis (issue 14 goal 3): 1,000 concurrent `getToken` calls of one key whose
 * token is fresh in the store, through a `RefreshCoordinator` over a `RedisTokenStore` (on a
 * redis-server of the bench's own, started on a free port and stopped at the end) and over a
 * `MemoryTokenStore`, in the same process and the same rounds.
 *
 * Each round makes a new coordinator per store (its in-process cache empty), then runs two
 * batches on it: "first" (the 1,000 calls find nothing in process: they share one store read) and
 * "cached" (1,000 more, answered from the process). A third contender, Redis with `cacheSize: 0`,
 * keeps no token in process (its concurrent calls still share one read; the next batch reads
 * again), for scale. The order of the
 * contenders is random per round (seeded), so load on the machine hits all alike. A call's time is
 * from its start (all 1,000 are started in one synchronous loop) to its promise resolving; a
 * batch's p99 is over its 1,000 calls; the printed p99 is the median over rounds (range beside),
 * the ratio is the median of the per-round ratios. Redis reads are counted by the server
 * (`INFO commandstats`: HMGET calls, the store's read, before and after each batch).
 *
 * Run: `npx -y pnpm@10.34.8 --filter @mly/bench bench:warm` (sizes: BENCH_WARM_ROUNDS, default 30).
 */
import { formatTokenKey, systemClock, type TokenSet, type TokenStore } from "@mly/auth-core";
import { MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { startRedisServer } from "@mly/redis-test";
import { Redis } from "ioredis";
import { RedisTokenStore } from "@mly/storage-redis";
import { freshTokenSet } from "./_fresh_token.ts";
import { quantile, seededRandom, shuffled } from "./stats.ts";

const CALLS = 1000;
const rounds = Number(process.env["BENCH_WARM_ROUNDS"] ?? 30);
if (!(Number.isInteger(rounds) && rounds > 0)) throw new RangeError(`BENCH_WARM_ROUNDS must be a whole number > 0, got ${process.env["BENCH_WARM_ROUNDS"]}`);

type Name = "memory store" | "Redis store" | "Redis store, cacheSize 0";
const NAMES: readonly Name[] = ["memory store", "Redis store", "Redis store, cacheSize 0"];

interface Batch {
  readonly p50: number;
  readonly p99: number;
  /** HMGET commands the Redis server ran during the batch (0 for the memory store). */
  readonly reads: number;
}

const median = (values: readonly number[]): number => quantile(values, 0.5);

/** HMGET calls the server has run (`INFO commandstats`). */
async function hmgets(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  return Number(/^cmdstat_hmget:calls=(\d+)/m.exec(info)?.[1] ?? 0);
}

/** `CALLS` concurrent getToken calls: each call's ms from its start to its answer. */
async function batch(coordinator: RefreshCoordinator, key: string, stats: Redis | undefined): Promise<Batch> {
  const before = stats === undefined ? 0 : await hmgets(stats);
  const times = new Array<number>(CALLS);
  const calls: Promise<void>[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    calls.push(
      coordinator.getToken(key).then(() => {
        times[i] = performance.now() - started;
      }),
    );
  }
  await Promise.all(calls);
  const reads = stats === undefined ? 0 : (await hmgets(stats)) - before;
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), reads };
}

const server = await startRedisServer();
const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
const stats = new Redis(server.url, { maxRetriesPerRequest: 1 });
try {
  const key = formatTokenKey({ provider: "oauth2", clientId: "bench" });
  const redisStore = new RedisTokenStore({ client, prefix: "bench-warm" });
  const memoryStore = new MemoryTokenStore();
  const tokens = freshTokenSet("bench-access-token-0123456789abcdef", { now: systemClock.now(), kind: "client_app", provider: "oauth2" });
  await redisStore.set(key, tokens);
  await memoryStore.set(key, tokens);
  const renew = (): Promise<TokenSet> => Promise.reject(new Error("bench: the token should stay fresh"));
  const coordinatorOf = (name: Name): RefreshCoordinator => {
    const store: TokenStore = name === "memory store" ? memoryStore : redisStore;
    return new RefreshCoordinator({ store, renew, ...(name === "Redis store, cacheSize 0" ? { cacheSize: 0 } : {}) });
  };
  const first = new Map<Name, Batch[]>(NAMES.map((n) => [n, []]));
  const cached = new Map<Name, Batch[]>(NAMES.map((n) => [n, []]));
  // Warm-up: the JIT and the connection, outside the figures.
  for (const name of NAMES) for (let i = 0; i < 3; i++) await batch(coordinatorOf(name), key, undefined);
  const random = seededRandom(14);
  for (let r = 0; r < rounds; r++) {
    for (const name of shuffled(NAMES, random)) {
      const coordinator = coordinatorOf(name);
      const redis = name === "memory store" ? undefined : stats;
      first.get(name)?.push(await batch(coordinator, key, redis));
      cached.get(name)?.push(await batch(coordinator, key, redis));
      if (coordinator.refreshCount !== 0) throw new Error(`${name}: a refresh ran; the token should stay fresh`);
    }
  }
  const ms = (v: number): string => (v < 1 ? v.toFixed(3) : v.toFixed(2));
  const of = (table: Map<Name, Batch[]>, name: Name): Batch[] => table.get(name) ?? [];
  const range = (values: readonly number[]): string => `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
  const ratio = (table: Map<Name, Batch[]>, name: Name): number => {
    const mem = of(table, "memory store");
    return median(of(table, name).map((b, i) => b.p99 / (mem[i]?.p99 ?? Number.NaN)));
  };
  const lines = [
    `warm getToken, Node ${process.version}, ${new Date().toISOString()}: ${CALLS} concurrent calls of one key with a fresh token in the store; a new RefreshCoordinator per contender per round, then two batches on it: "first" (empty process cache) and "cached"; ${rounds} interleaved rounds; p50/p99 of each batch's calls, median over rounds (range); ratio: median of the per-round p99 ratios; Redis reads: HMGET calls the bench's own redis-server ran per batch (max over rounds)`,
    "",
    "| batch | contender | p50 ms | p99 ms (range) | p99 ÷ memory store | Redis reads per 1,000 calls |",
    "|---|---|---|---|---|---|",
  ];
  for (const [label, table] of [["first", first], ["cached", cached]] as const) {
    for (const name of NAMES) {
      const batches = of(table, name);
      const p99s = batches.map((b) => b.p99);
      const reads = name === "memory store" ? "–" : String(Math.max(...batches.map((b) => b.reads)));
      lines.push(`| ${label} | ${name} | ${ms(median(batches.map((b) => b.p50)))} | ${ms(median(p99s))} (${range(p99s)}) | ${ratio(table, name).toFixed(2)} | ${reads} |`);
    }
  }
  const firstReads = Math.max(...of(first, "Redis store").map((b) => b.reads));
  const cachedReads = Math.max(...of(cached, "Redis store").map((b) => b.reads));
  const p99Ratio = ratio(first, "Redis store");
  lines.push(
    "",
    "goals (issue 14 goal 3), Redis store with the default in-process cache:",
    `- Redis reads per 1,000 concurrent warm calls: ${firstReads} with an empty process cache, ${cachedReads} cached (goal ≤ 1: ${firstReads <= 1 && cachedReads <= 1 ? "met" : "missed"})`,
    `- p99 ÷ the memory store's, empty process cache: ${p99Ratio.toFixed(2)}× (goal ≤ 2: ${p99Ratio <= 2 ? "met" : `missed by ${((p99Ratio / 2 - 1) * 100).toFixed(1)} %`}); cached: ${ratio(cached, "Redis store").toFixed(2)}×`,
  );
  console.log(lines.join("\n"));
  await redisStore.delete(key);
} finally {
  client.disconnect();
  stats.disconnect();
  await server.stop();
}
