// Issue 14 goal 1: a shared limiter without polling. An acquire reserves its start in one round
// trip and the caller sleeps until it; reservations are granted in the order they reach Redis.
import { mapiqProfile, type RateLimitPermit } from "@mly/auth-core";
import { rateLimitKeys } from "@mly/auth-core/rate-limit";
import { redisTestPrefix, testRedis } from "@mly/redis-test";
import { startSandbox, type RateShape, type Sandbox } from "@mly/sandbox";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis_rate_limiter.ts";

const target = await testRedis();

const clients: Redis[] = [];
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await target?.server?.stop("SIGTERM");
});

/** Every key of this file carries it (in the hash tag); all are deleted after the file. */
const PREFIX = redisTestPrefix("ratelimit-redis-reservation", target?.url);
let keys = 0;
const uniqueKey = (name: string): string => `${name}:${++keys}`;

/** A client of its own that counts the commands it sends, by the script operation they run. */
interface CountingClient {
  send(args: readonly string[]): Promise<unknown>;
  /** Commands sent per script operation (`acquire`, `confirm`, `settle`, `cancel`, …). */
  readonly sent: Map<string, number>;
  /** Resolves when the next reply to an `acquire` has arrived. */
  nextAcquireReply(): Promise<void>;
}

function countingClient(): CountingClient {
  const redis = new Redis(target?.url ?? "", { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  clients.push(redis);
  const sent = new Map<string, number>();
  let waiters: (() => void)[] = [];
  return {
    sent,
    nextAcquireReply: () => new Promise((resolve) => waiters.push(resolve)),
    send: async (args) => {
      // EVALSHA|EVAL script numkeys key… operation …
      const operation = /^eval/i.test(args[0] ?? "") ? (args[3 + Number(args[2])] ?? "?") : (args[0] ?? "?").toLowerCase();
      sent.set(operation, (sent.get(operation) ?? 0) + 1);
      const reply = await redis.call(args[0] ?? "", ...args.slice(1));
      if (operation === "acquire") {
        const resolved = waiters;
        waiters = [];
        for (const resolve of resolved) resolve();
      }
      return reply;
    },
  };
}

const total = (client: CountingClient): number => [...client.sent.values()].reduce((sum, n) => sum + n, 0);

function limiter(client: CountingClient, options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiter {
  return new RedisRateLimiter({ client, limit: 10, windowMs: 2000, prefix: PREFIX, ...options });
}

async function mapiqToken(sandbox: Sandbox): Promise<string> {
  const app = sandbox.credentials.mapiq;
  const response = await fetch(sandbox.endpoints.mapiq.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: app.clientId, client_secret: app.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe.skipIf(target === undefined)("RedisRateLimiter reservations (one round trip, first come first served)", () => {
  for (const shape of ["sliding-log", "fixed-window", "weighted"] as RateShape[]) {
    it(`4 instances × 2 callers against the sandbox's ${shape} Mapiq: 0 × 429, and on a proven key ≤ 2 commands per request (acquire + settle)`, { timeout: 120_000 }, async () => {
      const limit = 10;
      const windowMs = 2000;
      const sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit, windowMs, shape } } });
      try {
        const token = await mapiqToken(sandbox);
        const url = `${sandbox.endpoints.mapiq.apiBaseUrl}/v2/buildings`;
        const key = `${uniqueKey(shape)}:${rateLimitKeys(mapiqProfile({ apiBaseUrl: sandbox.endpoints.mapiq.apiBaseUrl }), "GET", url)[0] ?? ""}`;
        const counters = Array.from({ length: 4 }, countingClient);
        const instances = counters.map((client) => limiter(client, { limit, windowMs }));
        const send = async (rl: RedisRateLimiter): Promise<void> => {
          const permit = await rl.acquire(key);
          const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          await permit.settle({ status: response.status });
        };
        const run = async (perCaller: number): Promise<void> => {
          await Promise.all(
            instances.flatMap((rl) =>
              [1, 2].map(async () => {
                for (let i = 0; i < perCaller; i += 1) await send(rl);
              }),
            ),
          );
        };
        // Probation: the first `limit` reservations of a key are checked at their time (a 429 then
        // reaches every sleeping caller). A key that got through them without a 429 is proven.
        await run(2);
        for (const client of counters) client.sent.clear();
        const requestsBefore = sandbox.log.entries({ method: "GET", path: new URL(url).pathname }).length;
        await run(3);
        const entries = sandbox.log.entries({ method: "GET", path: new URL(url).pathname });
        const requests = entries.length - requestsBefore;
        expect(requests).toBe(4 * 2 * 3);
        expect(entries.filter((entry) => entry.status === 429)).toEqual([]);
        const commands = counters.reduce((sum, client) => sum + total(client), 0);
        const operations = new Set(counters.flatMap((client) => [...client.sent.keys()]));
        // 8 callers, a limit of 10: every reservation is exact, so nobody polls or confirms.
        expect([...operations].sort()).toEqual(["acquire", "settle"]);
        expect(commands / requests).toBeLessThanOrEqual(2);
      } finally {
        await sandbox.close();
      }
    });
  }

  it("grants in the order the acquires reached Redis, across instances", { timeout: 60_000 }, async () => {
    const counters = Array.from({ length: 3 }, countingClient);
    const instances = counters.map((client) => limiter(client, { limit: 10, windowMs: 1000 }));
    const key = uniqueKey("fifo");
    const granted: number[] = [];
    const permits: Promise<RateLimitPermit & { grantedAtMs: number }>[] = [];
    // One after the other, on instances 0, 1, 2, 0, 1, 2, …: each acquire has reached Redis (its
    // reply is back) before the next one is made.
    for (let i = 0; i < 8; i += 1) {
      const client = counters[i % 3]!;
      const replied = client.nextAcquireReply();
      const permit = (instances[i % 3]!).acquire(key).then((p) => {
        granted.push(i);
        return p as RateLimitPermit & { grantedAtMs: number };
      });
      permits.push(permit);
      await replied;
    }
    const all = await Promise.all(permits);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const spacingMs = (instances[0]!).spacingMs;
    for (let i = 1; i < all.length; i += 1) expect((all[i] as { grantedAtMs: number }).grantedAtMs - (all[i - 1] as { grantedAtMs: number }).grantedAtMs).toBeGreaterThanOrEqual(spacingMs - 0.001);
    for (const permit of all) await permit.settle();
  });

  it("a pause reaches the callers another instance has sleeping on reservations", { timeout: 60_000 }, async () => {
    const [a, b] = [limiter(countingClient(), { limit: 10, windowMs: 1000 }), limiter(countingClient(), { limit: 10, windowMs: 1000 })];
    const key = uniqueKey("pause-reaches");
    const first = await a.acquire(key);
    // Four callers of A sleep on reservations about 100, 200, 300 and 400 ms ahead (a fresh key: on probation).
    const sleeping = [1, 2, 3, 4].map(() => a.acquire(key).then((permit) => ({ permit, at: Date.now() })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pausedAt = Date.now();
    await b.pause(key, 600);
    const grants = await Promise.all(sleeping);
    for (const grant of grants) expect(grant.at - pausedAt).toBeGreaterThanOrEqual(590);
    for (const permit of [first, ...grants.map((grant) => grant.permit)]) await permit.settle();
  });

  it("an aborted sleeping reservation gives its place back when nothing was reserved after it", { timeout: 60_000 }, async () => {
    const rl = limiter(countingClient(), { limit: 2, windowMs: 2000 });
    const key = uniqueKey("abort-gives-back");
    const first = (await rl.acquire(key)) as RateLimitPermit & { grantedAtMs: number };
    const abort = new AbortController();
    const second = rl.acquire(key, { signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort();
    await expect(second).rejects.toThrow(/aborted/);
    const third = (await rl.acquire(key)) as RateLimitPermit & { grantedAtMs: number };
    // The third took the aborted one's start (one spacing after the first), not the one after it.
    expect(third.grantedAtMs - first.grantedAtMs).toBeGreaterThanOrEqual(rl.spacingMs - 0.001);
    expect(third.grantedAtMs - first.grantedAtMs).toBeLessThan(2 * rl.spacingMs);
    await first.settle();
    await third.settle();
  });
});
