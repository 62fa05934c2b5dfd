import { mapiqProfile, parseRetryAfter, type RateLimiter, rateLimitKeys } from "@mly/auth-core";
import { startSandbox, type RateShape } from "@mly/sandbox";
import { Redis } from "ioredis";
import { afterAll, it } from "vitest";
import { RedisRateLimiter } from "../../ratelimit-redis/src/mod.ts";
import { createRateLimiter, type RateLimitMode } from "../src/mod.ts";

/** Mapiq's 20 per minute, scaled: 20 per 2 s, for 20 windows. */
const N = 20;
const W = 2000;
const WINDOWS = 20;
const CALLERS_PER_PROCESS = 3;

const redisUrl = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const clients: Redis[] = [];
afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

interface Case {
  shape: RateShape;
  mode: RateLimitMode;
  backend: "memory" | "redis";
  processes: number;
}

interface Result extends Case {
  accepted: number;
  rejected: number;
  share: number;
}

async function runCase(c: Case, run: string): Promise<Result> {
  const sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: N, windowMs: W, shape: c.shape } } });
  try {
    const { tokenEndpoint, apiBaseUrl } = sandbox.endpoints.mapiq;
    const tokenResponse = await fetch(tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: "https://api.mapiq.com/public/.default",
        client_id: sandbox.credentials.mapiq.clientId,
        client_secret: sandbox.credentials.mapiq.clientSecret,
      }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const url = `${apiBaseUrl}/v2/buildings`;
    const key = rateLimitKeys(mapiqProfile({ apiBaseUrl }), "GET", url)[0] ?? "";
    const limiters: RateLimiter[] = [];
    for (let p = 0; p < c.processes; p += 1) {
      if (c.backend === "memory") {
        limiters.push(createRateLimiter({ limit: N, windowMs: W, mode: c.mode }));
      } else {
        const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        clients.push(redis);
        limiters.push(new RedisRateLimiter({ client: redis, limit: N, windowMs: W, mode: c.mode, prefix: `mly:rl:bench:${run}:${c.shape}:${c.mode}:${c.processes}` }));
      }
    }
    let accepted = 0;
    let rejected = 0;
    const started = Date.now();
    const end = started + WINDOWS * W;
    const caller = async (limiter: RateLimiter): Promise<void> => {
      for (;;) {
        const permit = await limiter.acquire(key);
        if (Date.now() >= end) {
          await permit.cancel();
          return;
        }
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status === 429) {
          rejected += 1;
          await permit.settle({ status: 429, retryAfterMs: parseRetryAfter(response.headers.get("retry-after") ?? undefined, Date.now()) ?? W });
        } else {
          if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
          accepted += 1;
          await permit.settle({ status: response.status });
        }
      }
    };
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: CALLERS_PER_PROCESS }, () => caller(limiter))));
    return { ...c, accepted, rejected, share: accepted / (N * WINDOWS) };
  } finally {
    await sandbox.close();
  }
}

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return String(await probe.call("PING")) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

it("(c) precision table against the sandbox's Mapiq emulator", async () => {
  const withRedis = await redisAnswers();
  if (!withRedis) {
    console.warn(`\n!!! (c) Redis rows SKIPPED: no Redis at ${redisUrl} !!!\n`);
    if (process.env["CI"] !== undefined) throw new Error("Redis is required under CI");
  }
  const cases: Case[] = [];
  for (const shape of ["sliding-log", "fixed-window", "weighted"] as RateShape[]) {
    for (const mode of ["even", "burst"] as RateLimitMode[]) {
      cases.push({ shape, mode, backend: "memory", processes: 1 });
      if (withRedis) {
        cases.push({ shape, mode, backend: "redis", processes: 1 });
        cases.push({ shape, mode, backend: "redis", processes: 4 });
      }
    }
  }
  const run = Date.now().toString(36);
  // Every case has its own sandbox (own counters) and own Redis keys, so the cases of one server
  // shape run side by side; the shapes run one after the other to keep the event loop unloaded.
  const results: Result[] = [];
  for (const shape of ["sliding-log", "fixed-window", "weighted"] as RateShape[]) {
    results.push(...(await Promise.all(cases.filter((c) => c.shape === shape).map((c) => runCase(c, run)))));
  }
  const lines = [
    "",
    `(c) precision: sandbox Mapiq emulator at ${N} per ${W / 1000} s, ${WINDOWS} windows of saturating demand (${CALLERS_PER_PROCESS} callers per process), default margins`,
    "| server shape | mode | limiter | processes | 429s | accepted | share of quota |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) => `| ${r.shape} | ${r.mode} | ${r.backend} | ${r.processes} | ${r.rejected} | ${r.accepted} / ${N * WINDOWS} | ${(r.share * 100).toFixed(1)} % |`,
    ),
    "",
  ];
  console.log(lines.join("\n"));
});
