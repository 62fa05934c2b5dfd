// Issue 15 §5: limits per route, and limits learned from 429s shared by every process through Redis.
import { type RateLimitPermit } from "@mly/auth-core";
import { detectRateLimit } from "@mly/auth-core/rate-limit";
import { redisTestPrefix, testRedis } from "@mly/redis-test";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis_rate_limiter.ts";

const target = await testRedis();

const clients: Redis[] = [];
function client(): Redis {
  const redis = new Redis(target?.url ?? "", { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  clients.push(redis);
  return redis;
}
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await target?.server?.stop("SIGTERM");
});

/** Every key of this file carries it (in the hash tag); all are deleted after the file. */
const PREFIX = redisTestPrefix("ratelimit-redis-learned", target?.url);
let keys = 0;
const REPORTS = "GET /v2/reports/{id}";
/** Keys of one test: a distinct provider prefix, the route at the end (as core's `rateLimitKeys` builds them). */
const keyOf = (route: string): string => `mapiq-${++keys}:endpoint:${route}`;

function limiter(options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiter {
  return new RedisRateLimiter({ client: client(), limit: 20, windowMs: 60_000, mode: "burst", prefix: PREFIX, ...options });
}

/** Whether `acquire` is granted within `ms` (the attempt is aborted otherwise). */
async function grantedWithin(rl: RedisRateLimiter, key: string, ms: number): Promise<RateLimitPermit | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => { abort.abort(); }, ms);
  try {
    return await rl.acquire(key, { signal: abort.signal });
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(target === undefined)("RedisRateLimiter: per-route limits and learned limits", () => {
  it("a route's own limit applies to its keys; other routes keep the configured limit", async () => {
    const rl = limiter({ routes: { [REPORTS]: { limit: 2, windowMs: 60_000 } } });
    const reports = keyOf(REPORTS);
    const users = keyOf("GET /v2/users");
    expect(await rl.limitOf(reports)).toBe(2);
    expect(await rl.limitOf(users)).toBe(20);
    const held = [await rl.acquire(reports), await rl.acquire(reports)];
    expect(await grantedWithin(rl, reports, 300)).toBeUndefined();
    const others: RateLimitPermit[] = [];
    for (let i = 0; i < 5; i++) others.push(await rl.acquire(users));
    for (const permit of [...held, ...others]) await permit.settle({ status: 200 });
  });

  it("a 429 on one instance teaches every instance the route's limit, kept in Redis with a TTL", async () => {
    const a = limiter();
    const b = limiter();
    const key = keyOf(REPORTS);
    for (let i = 0; i < 5; i++) await (await a.acquire(key)).settle({ status: 200 });
    await (await a.acquire(key)).settle({ status: 429, retryAfterMs: 50 });
    // B never saw a 429, and runs at what A learned: 5 admitted before the 429.
    expect(await b.limitOf(key)).toBe(5);
    const redis = client();
    const learned = b.redisKeys(key)[3];
    expect(learned.slice(0, learned.indexOf("}") + 1)).toBe(b.redisKeys(key)[0].slice(0, b.redisKeys(key)[0].indexOf("}") + 1));
    expect(await redis.hget(learned, "l")).toBe("5");
    const ttl = await redis.pttl(learned);
    // Gone once probed back to 20: 15 steps of 5 windows (plus one window).
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Math.ceil((15 * 5 + 1) * (60_000 + a.marginMs)));
    // The window holds 6 slots (the 429's too): B is held at 5 until they leave.
    expect(await grantedWithin(b, key, 400)).toBeUndefined();
    // The 429s of requests granted before the learning do not lower it again.
    const c = limiter({ limit: 20, windowMs: 60_000 });
    const other = keyOf(REPORTS);
    for (let i = 0; i < 4; i++) await (await c.acquire(other)).settle({ status: 200 });
    const early = [await c.acquire(other), await c.acquire(other), await c.acquire(other)];
    await early[0]?.settle({ status: 429, retryAfterMs: 10 });
    expect(await c.limitOf(other)).toBe(4);
    await early[1]?.settle({ status: 429, retryAfterMs: 10 });
    await early[2]?.settle({ status: 429, retryAfterMs: 10 });
    expect(await c.limitOf(other)).toBe(4);
  });

  it("a learned limit probes back up by one per probeEveryWindows windows, and is forgotten at the configured limit", { timeout: 60_000 }, async () => {
    const rl = limiter({ limit: 3, windowMs: 200, marginMs: 0, learn: { probeEveryWindows: 1 } });
    const key = keyOf(REPORTS);
    await (await rl.acquire(key)).settle({ status: 429, retryAfterMs: 10 });
    expect(await rl.limitOf(key)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await rl.limitOf(key)).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await rl.limitOf(key)).toBe(3);
    // Its TTL ran out with the last step: nothing left in Redis.
    await expect.poll(async () => client().exists(rl.redisKeys(key)[3]), { timeout: 5_000 }).toBe(0);
  });

  it("learn: false keeps the configured limit; a bad route or probe setting is refused", async () => {
    const rl = limiter({ learn: false });
    const key = keyOf(REPORTS);
    await (await rl.acquire(key)).settle({ status: 429, retryAfterMs: 10 });
    expect(await rl.limitOf(key)).toBe(20);
    expect(await client().exists(rl.redisKeys(key)[3])).toBe(0);
    expect(() => limiter({ routes: { "/v2/reports/{id}": { limit: 5, windowMs: 1000 } } })).toThrow(/METHOD \/template/);
    expect(() => limiter({ learn: { probeEveryWindows: 0 } })).toThrow(/probeEveryWindows/);
  });

  describe("against the sandbox's deviating route (configured 20, real 5 per window)", () => {
    let sandbox: Sandbox;
    afterAll(async () => {
      await sandbox.close();
    });

    it("two instances learn the real limit from the first 429, and a following window earns 0 × 429", { timeout: 120_000 }, async () => {
      const windowMs = 2_000;
      sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: 20, windowMs, shape: "sliding-log" } } });
      const token = await _mapiqToken(sandbox);
      const url = `${sandbox.endpoints.mapiq.apiBaseUrl}/v2/reports/8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001`;
      const key = keyOf(REPORTS);
      const instances = [limiter({ windowMs, mode: "even" }), limiter({ windowMs, mode: "even" })];
      const statuses = new Map<number, number>();
      const send = async (rl: RedisRateLimiter): Promise<void> => {
        const permit = await rl.acquire(key);
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        const body = await response.text();
        const limited = detectRateLimit({ status: response.status, headers: response.headers, body }, { now: Date.now() });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await permit.settle({ status: response.status, ...(limited === undefined ? {} : { retryAfterMs: limited.retryAfterMs }) });
      };
      const run = async (until: () => boolean): Promise<void> => {
        await Promise.all(
          instances.map(async (rl) => {
            while (!until()) await send(rl);
          }),
        );
      };
      // Until the first 429: the route learns its limit.
      await run(() => (statuses.get(429) ?? 0) > 0);
      expect(await instances[1]?.limitOf(key)).toBe(5);
      // Two more windows' worth of requests at the learned limit: not one 429.
      sandbox.log.clear();
      statuses.clear();
      await run(() => (statuses.get(200) ?? 0) >= 10);
      expect(sandbox.log.count({ route: "/mapiq/api/v2/reports/{id}", status: 429 })).toBe(0);
      expect(sandbox.log.count({ route: "/mapiq/api/v2/reports/{id}", status: 200 })).toBeGreaterThanOrEqual(10);
    });
  });
});

async function _mapiqToken(sandbox: Sandbox): Promise<string> {
  const app = sandbox.credentials.mapiq;
  const response = await fetch(sandbox.endpoints.mapiq.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: app.clientId, client_secret: app.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
