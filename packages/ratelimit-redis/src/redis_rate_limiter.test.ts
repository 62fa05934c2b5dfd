import { AbortedError, BackendUnavailableError, ConfigError, QueueFullError, type MlyEvent, type RateLimitPermit } from "@mly/auth-core";
import { freePort, redisServerBinary, redisTestPrefix, skipLoudly, startRedisServer, testRedis } from "@mly/redis-test";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startShapeServer } from "./_test_server.ts";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis_rate_limiter.ts";

const target = await testRedis();

const clients: Redis[] = [];
function client(url = target?.url ?? ""): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  clients.push(redis);
  return redis;
}
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await target?.server?.stop("SIGTERM");
});

/** Every key of this file carries it (in the hash tag); all are deleted after the file. */
const PREFIX = redisTestPrefix("ratelimit-redis", target?.url);
let keys = 0;
const uniqueKey = (name: string): string => `${name}:${++keys}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function limiter(options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiter {
  return new RedisRateLimiter({ client: client(), limit: 5, windowMs: 500, marginMs: 0, prefix: PREFIX, ...options });
}

describe.skipIf(target === undefined)("RedisRateLimiter against a real Redis", () => {
  it("hash-tags its keys and keeps them with a TTL", async () => {
    const rl = limiter();
    const key = uniqueKey("GET /v2/buildings/{id}");
    const [log, inf, st] = rl.redisKeys(key);
    expect(log.startsWith(`{${PREFIX}:`) && log.endsWith("}:log") && !log.slice(1, -5).includes("}")).toBe(true);
    expect(inf.slice(0, inf.indexOf("}"))).toBe(log.slice(0, log.indexOf("}")));
    const permit = await rl.acquire(key);
    const redis = client();
    expect(await redis.zcard(inf)).toBe(1);
    await permit.settle({ status: 200 });
    expect(await redis.zcard(inf)).toBe(0);
    // The log is a ring of the last `limit` settle times, 16 digits each: one slot so far.
    expect(await redis.strlen(log)).toBe(16);
    expect(await redis.pttl(st)).toBeGreaterThan(0);
    expect(await redis.pttl(log)).toBeLessThanOrEqual(rl.windowMs + rl.spacingMs + 60_000 + 1000);
  });

  it("takes exactly one round trip per acquire (counted with MONITOR)", async () => {
    const rl = limiter({ limit: 1000, mode: "burst" });
    const key = uniqueKey("rt");
    (await rl.acquire(key)).cancel(); // the script is cached from here on
    const monitor = await client().monitor();
    const seen: string[][] = [];
    // MONITOR also shows the commands the script runs (source "lua"): count only what the client sent.
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source !== "lua" && args.some((arg) => arg.includes(encodeURIComponent(key)))) seen.push(args);
    });
    await sleep(50);
    const permits: RateLimitPermit[] = [];
    for (let i = 0; i < 10; i += 1) permits.push(await rl.acquire(key));
    // MONITOR reports asynchronously (late on a busy machine): wait for the count, not for a fixed time.
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(10);
    expect(seen.map((args) => args[0]?.toLowerCase())).toEqual(Array.from({ length: 10 }, () => "evalsha"));
    // EVALSHA sha numkeys key… op: the operation follows the keys.
    expect(seen.every((args) => args[3 + Number(args[2])] === "acquire")).toBe(true);
    for (const permit of permits) await permit.settle();
    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(20);
    await sleep(100);
    expect(seen).toHaveLength(20);
    monitor.disconnect();
  });

  it("burst: grants limit at once, then waits for slots to leave the window", async () => {
    // At once: in a 60 s window, spaced grants would be 20 s apart (past the test timeout); the 4th waits.
    const wide = limiter({ mode: "burst", limit: 3, windowMs: 60_000 });
    const wideKey = uniqueKey("burst-at-once");
    const held = await Promise.all([1, 2, 3].map(() => wide.acquire(wideKey)));
    const blocked = new AbortController();
    const fourthWide = wide.acquire(wideKey, { signal: blocked.signal });
    await sleep(200);
    blocked.abort();
    await expect(fourthWide).rejects.toBeInstanceOf(AbortedError);
    for (const permit of held) await permit.cancel();
    const rl = limiter({ mode: "burst", limit: 3, windowMs: 300 });
    const key = uniqueKey("burst");
    const permits = await Promise.all([1, 2, 3].map(() => rl.acquire(key)));
    // Taken before the settles: a slot leaves the window 300 ms after its settle, so never before this + 300.
    const beforeSettles = Date.now();
    for (const permit of permits) await permit.settle();
    const fourth = await rl.acquire(key);
    expect(Date.now() - beforeSettles).toBeGreaterThanOrEqual(280);
    await fourth.settle();
  });

  it("even: spaces grants by (window + margin) / limit across instances", async () => {
    const rl = limiter({ limit: 10, windowMs: 500, marginMs: 0 });
    const key = uniqueKey("even");
    const grants: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const permit = (await rl.acquire(key)) as RateLimitPermit & { grantedAtMs: number };
      grants.push(permit.grantedAtMs);
      await sleep(10);
      await permit.settle();
    }
    for (let i = 1; i < grants.length; i += 1) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(rl.spacingMs - 0.001);
  });

  it("two limiter instances sharing a key never let a sliding-window server see more than N", async () => {
    for (const mode of ["burst", "even"] as const) {
      const server = await startShapeServer("sliding-log", 5, 500);
      try {
        const key = uniqueKey(`shared-${mode}`);
        const a = limiter({ mode, limit: 5, windowMs: 500 });
        const b = limiter({ mode, limit: 5, windowMs: 500 });
        const until = Date.now() + 1600;
        const worker = async (rl: RedisRateLimiter): Promise<void> => {
          while (Date.now() < until) {
            const permit = await rl.acquire(key);
            const response = await fetch(server.url);
            await response.text();
            await permit.settle({ status: response.status });
          }
        };
        await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
        expect(server.rejected, mode).toBe(0);
        // Requests went out (how many depends on the machine's load: the share is a bench figure).
        expect(server.accepted.length, mode).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    }
  });

  it("pause on one instance freezes the key for the others", async () => {
    const a = limiter();
    const b = limiter();
    const key = uniqueKey("pause");
    // Taken before the pause starts: on a busy machine the pause calls themselves can take a while.
    const started = Date.now();
    await a.pause(key, 300);
    await a.pause(key, 0);
    await (await b.acquire(key)).settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const c = limiter();
    const other = uniqueKey("pause429");
    const throttled = await c.acquire(other);
    const again = Date.now();
    await throttled.settle({ status: 429, retryAfterMs: 200 });
    await (await b.acquire(other)).settle();
    expect(Date.now() - again).toBeGreaterThanOrEqual(190);
  });

  it("events: limiter.pause for a pause, limiter.wait with durationMs for a caller that waited, none for a free slot; a throwing listener is harmless", async () => {
    const events: MlyEvent[] = [];
    const rl = limiter({ onEvent: (event) => events.push(event) });
    const key = uniqueKey("events");
    await (await rl.acquire(key)).settle();
    expect(events).toEqual([]);
    await rl.pause(key, 300);
    await (await rl.acquire(key)).settle();
    expect(events.map((event) => event.type)).toEqual(["limiter.pause", "limiter.wait"]);
    expect(events[0]).toEqual({ type: "limiter.pause", key, durationMs: 300 });
    const wait = events[1] as MlyEvent & { key: string; durationMs: number };
    expect(wait.key).toBe(key);
    // Redis froze the key for 300 ms on its own clock; this process waited for it.
    expect(wait.durationMs).toBeGreaterThan(200);
    const broken = limiter({
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    await broken.pause(key, 50);
    await (await broken.acquire(key)).settle();
  });

  it("cancel gives the slot back; a forgotten permit is settled at its lease", async () => {
    const rl = limiter({ mode: "burst", limit: 1, windowMs: 200, settleTimeoutMs: 200 });
    const key = uniqueKey("cancel");
    await (await rl.acquire(key)).cancel();
    const started = Date.now();
    await rl.acquire(key); // never settled
    const next = await rl.acquire(key);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    await next.cancel();
    await next.settle(); // no effect once cancelled
    // Given back: otherwise the next grant would wait the 60 s spacing (aborted at 15 s: AbortedError).
    const even = limiter({ limit: 1, windowMs: 60_000 });
    const evenKey = uniqueKey("cancel-even");
    await (await even.acquire(evenKey)).cancel();
    await (await even.acquire(evenKey, { signal: AbortSignal.timeout(15_000) })).cancel();
  });

  it("aborts waiters, keeps FIFO order per process and bounds the queue", async () => {
    const rl = limiter({ mode: "burst", limit: 1, windowMs: 300, maxQueue: 3 });
    const key = uniqueKey("queue");
    const first = await rl.acquire(key);
    const controller = new AbortController();
    const order: number[] = [];
    const waiting = [1, 2].map((n) =>
      rl.acquire(key, n === 1 ? { signal: controller.signal } : {}).then(
        async (permit) => {
          order.push(n);
          await permit.settle();
        },
        (error: unknown) => {
          order.push(-n);
          expect(error).toBeInstanceOf(AbortedError);
        },
      ),
    );
    const third = rl.acquire(key).then(async (permit) => {
      order.push(3);
      await permit.settle();
    });
    await expect(rl.acquire(key)).rejects.toBeInstanceOf(QueueFullError);
    await expect(rl.acquire(key, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    await sleep(20);
    controller.abort();
    await first.settle();
    await Promise.all([...waiting, third]);
    expect(order).toEqual([-1, 2, 3]);
  });

  it("aborts a waiter queued behind another caller of the same process, and a grant that lands after the abort", async () => {
    const rl = limiter({ mode: "burst", limit: 1, windowMs: 300 });
    const key = uniqueKey("abort-lane");
    const first = await rl.acquire(key);
    const second = rl.acquire(key);
    const controller = new AbortController();
    const third = rl.acquire(key, { signal: controller.signal });
    await sleep(20);
    controller.abort();
    await expect(third).rejects.toBeInstanceOf(AbortedError);
    await first.settle();
    await (await second).settle();
    const racing = new AbortController();
    const other = uniqueKey("abort-race");
    const granted = rl.acquire(other, { signal: racing.signal });
    racing.abort(); // the acquire script is already on its way
    await expect(granted).rejects.toBeInstanceOf(AbortedError);
    const redis = client();
    expect(await redis.zcard(rl.redisKeys(other)[1])).toBe(0);
  });

  it("an acquire that timed out but ran once Redis was back leaves no reservation behind: a stall does not hold the key for the lease", async () => {
    const redis = client();
    // A stalled Redis: every command is held, then sent in order once it is back (a client's offline
    // queue during a failover, or a server working through its input after a DEBUG SLEEP).
    let held: (() => void)[] | undefined = [];
    const stalled = {
      send: (args: readonly string[]): Promise<unknown> => {
        const send = (): Promise<unknown> => redis.call(args[0] ?? "", ...args.slice(1));
        const queue = held;
        if (queue === undefined) return send();
        return new Promise((resolve, reject) => queue.push(() => { send().then(resolve, reject); }));
      },
    };
    const rl = new RedisRateLimiter({ client: stalled, limit: 3, windowMs: 500, prefix: PREFIX, timeoutMs: 100 });
    const key = uniqueKey("stall");
    for (let i = 0; i < 5; i += 1) await expect(rl.acquire(key)).rejects.toBeInstanceOf(BackendUnavailableError);
    const queue = held;
    held = undefined;
    for (const run of queue) run();
    await redis.ping(); // answered after everything the stall held (one connection, in order)
    expect(await redis.zcard(rl.redisKeys(key)[1])).toBe(0);
    // Else 5 reservations nobody uses (more than the limit) would hold every caller for their 60 s lease.
    await (await rl.acquire(key, { signal: AbortSignal.timeout(15_000) })).settle({ status: 200 });
  });

  it("works through a node-redis-shaped client (sendCommand)", async () => {
    const redis = client();
    const rl = new RedisRateLimiter({ client: { sendCommand: (args) => redis.call(args[0] ?? "", ...args.slice(1)) }, limit: 2, windowMs: 100, prefix: PREFIX });
    await (await rl.acquire(uniqueKey("node-redis"))).settle();
  });
});

describe("RedisRateLimiter without Redis", () => {
  it("fails closed with BackendUnavailableError when nothing listens (no hang)", async () => {
    const port = await freePort();
    const rl = new RedisRateLimiter({ client: client(`redis://127.0.0.1:${port}`), limit: 5, windowMs: 1000 });
    const started = Date.now();
    const error: unknown = await rl.acquire("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).code).toBe("backend_unavailable");
    expect(Date.now() - started).toBeLessThan(15_000); // hang detection only, not a speed check
    const reported: BackendUnavailableError[] = [];
    const quiet = new RedisRateLimiter({ client: client(`redis://127.0.0.1:${port}`), limit: 5, windowMs: 1000, timeoutMs: 100, onBackendError: (e) => reported.push(e) });
    await quiet.pause("k", 100);
    expect(reported).toHaveLength(1);
  });

  it("falls back to a local limiter at limit / expectedProcesses", async () => {
    const port = await freePort();
    const rl = new RedisRateLimiter({ client: client(`redis://127.0.0.1:${port}`), limit: 8, windowMs: 400, marginMs: 0, mode: "burst", timeoutMs: 100, fallback: { expectedProcesses: 4 } });
    expect(rl.fallback?.limit).toBe(2);
    const started = Date.now();
    const permits = [await rl.acquire("k"), await rl.acquire("k")];
    for (const permit of permits) await permit.settle({ status: 429, retryAfterMs: 1 });
    await (await rl.acquire("k")).settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(() => new RedisRateLimiter({ client: client(), limit: 3, windowMs: 1000, fallback: { expectedProcesses: 4 } })).toThrow(ConfigError);
    expect(() => new RedisRateLimiter({ client: client(), limit: 3, windowMs: 1000, fallback: { expectedProcesses: 0 } })).toThrow(ConfigError);
  });

  it("loads the script with EVAL after NOSCRIPT, and fails fast once the server is stopped", async () => {
    if (redisServerBinary() === undefined) {
      skipLoudly("redis-server is missing: NOSCRIPT and server-stop test SKIPPED");
      return;
    }
    const own = await startRedisServer();
    try {
      const redis = client(own.url);
      const reported: BackendUnavailableError[] = [];
      const rl = new RedisRateLimiter({ client: redis, limit: 5, windowMs: 1000, timeoutMs: 300, onBackendError: (e) => reported.push(e) });
      expect(await redis.call("SCRIPT", "EXISTS", "0000000000000000000000000000000000000000")).toEqual([0]);
      await (await rl.acquire("k")).settle();
      const info = String(await redis.call("INFO", "commandstats"));
      expect(info).toMatch(/cmdstat_evalsha:calls=2,.*failed_calls=1/);
      expect(info).toMatch(/cmdstat_eval:calls=1,/);
      const held = [await rl.acquire("k"), await rl.acquire("k")];
      await own.stop("SIGTERM");
      const started = Date.now();
      await expect(rl.acquire("k")).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(15_000); // hang detection only, not a speed check
      await held[0]!.settle();
      await held[1]!.cancel();
      expect(reported.map((e) => e.code)).toEqual(["backend_unavailable", "backend_unavailable"]);
    } finally {
      await own.stop("SIGTERM");
    }
  });
});
