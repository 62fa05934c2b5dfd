import { fork, type ChildProcess } from "node:child_process";
import { mapiqProfile, type RateLimiter } from "@mly/auth-core";
import { parseRetryAfter, rateLimitKeys } from "@mly/auth-core/rate-limit";
import { redisUrlFromEnv, testRedis } from "@mly/redis-test";
import { startSandbox, type RateShape, type Sandbox } from "@mly/sandbox";
import { Redis } from "ioredis";
import { afterAll, it } from "vitest";
import { RedisRateLimiter } from "../../ratelimit-redis/src/mod.ts";
import { createRateLimiter, type RateLimitMode } from "../src/mod.ts";
import type { WorkerConfig, WorkerMessage } from "./_precision_ipc.ts";

/** Mapiq's 20 per minute, scaled: 20 per 2 s, for 20 windows. */
const N = 20;
const W = 2000;
const WINDOWS = 20;
const CALLERS_PER_PROCESS = 3;
/** Children get this long to load the sources and connect to Redis. */
const STARTUP_TIMEOUT_MS = 60_000;

/** REDIS_URL, else a redis-server on a free port, else undefined after a loud notice (an error under CI). */
const target = await testRedis();
const redisUrl = target?.url ?? "";
const clients: Redis[] = [];
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await target?.server?.stop();
});

interface Case {
  shape: RateShape;
  mode: RateLimitMode;
  backend: "memory" | "redis";
  /** 1: limiter(s) in this process; more: that many OS child processes, each with its own limiter. */
  processes: number;
}

interface Result extends Case {
  accepted: number;
  rejected: number;
  share: number;
  /** Accepted requests per child process, as the children counted them (multi-process cases). */
  split?: readonly number[];
}

/** A case whose sandbox is up and whose child processes (if any) are connected and waiting. */
interface Prepared {
  run(): Promise<Result>;
  close(): Promise<void>;
}

/** The next message of `child`, which must be of `type`; rejects if it exits or stays silent first. */
function _next(child: ChildProcess, type: WorkerMessage["type"], timeoutMs: number): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (message: WorkerMessage): void => {
      cleanup();
      if (message.type === type) resolve(message);
      else reject(new Error(`child ${String(child.pid)}: expected "${type}", got "${message.type}"`));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child ${String(child.pid)} exited (${String(code ?? signal)}) before "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${String(child.pid)}: no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Starts `count` workers (`_precision_worker.ts` on the TypeScript sources) and hands each its config. */
async function _startWorkers(count: number, config: WorkerConfig): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  const started = Array.from({ length: count }, async () => {
    const child = fork(new URL("_precision_worker.ts", import.meta.url), [], {
      execArgv: ["--import", new URL("../../../tooling/scripts/ts-loader.mjs", import.meta.url).href, "--conditions=@mly/source"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    await _next(child, "hello", STARTUP_TIMEOUT_MS);
    const ready = _next(child, "ready", STARTUP_TIMEOUT_MS);
    child.send(config);
    await ready;
  });
  try {
    await Promise.all(started);
  } catch (error) {
    _kill(children);
    throw error;
  }
  return children;
}

function _kill(children: readonly ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

async function _token(sandbox: Sandbox): Promise<string> {
  const response = await fetch(sandbox.endpoints.mapiq.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      scope: "https://api.mapiq.com/public/.default",
      client_id: sandbox.credentials.mapiq.clientId,
      client_secret: sandbox.credentials.mapiq.clientSecret,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function prepareCase(c: Case, run: string): Promise<Prepared> {
  const sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: N, windowMs: W, shape: c.shape } } });
  let children: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    _kill(children);
    await sandbox.close();
  };
  try {
    const { apiBaseUrl } = sandbox.endpoints.mapiq;
    const token = await _token(sandbox);
    const url = `${apiBaseUrl}/v2/buildings`;
    const key = rateLimitKeys(mapiqProfile({ apiBaseUrl }), "GET", url)[0] ?? "";
    const prefix = `mly:rl:bench:${run}:${c.shape}:${c.mode}:${c.processes}`;

    // What the server saw: every request to the operation, 200 or 429, from the sandbox's log.
    const result = (): Result => {
      const entries = sandbox.log.entries({ method: "GET", path: new URL(url).pathname });
      const odd = entries.find((entry) => entry.status !== 200 && entry.status !== 429);
      if (odd !== undefined) throw new Error(`unexpected status ${odd.status}`);
      const accepted = entries.filter((entry) => entry.status === 200).length;
      return { ...c, accepted, rejected: entries.length - accepted, share: accepted / (N * WINDOWS) };
    };

    if (c.processes > 1) {
      if (c.backend !== "redis") throw new Error("only a shared (Redis) limiter spans processes");
      children = await _startWorkers(c.processes, {
        type: "config",
        redisUrl,
        prefix,
        limit: N,
        windowMs: W,
        mode: c.mode,
        url,
        key,
        token,
        callers: CALLERS_PER_PROCESS,
        hardLimitMs: 2 * STARTUP_TIMEOUT_MS + WINDOWS * W + 30_000,
      });
      return {
        close,
        run: async () => {
          const endAt = Date.now() + WINDOWS * W;
          const reports = children.map((child) => _next(child, "done", WINDOWS * W + 30_000));
          for (const child of children) child.send({ type: "go", endAt });
          const done = await Promise.all(reports);
          const r = result();
          // The children's own counts must agree with the server's log.
          let accepted = 0;
          let rejected = 0;
          for (const report of done) {
            if (report.type !== "done") throw new Error("unreachable");
            accepted += report.accepted;
            rejected += report.rejected;
          }
          if (accepted !== r.accepted || rejected !== r.rejected) {
            throw new Error(`children counted ${accepted} + ${rejected} × 429, the sandbox logged ${r.accepted} + ${r.rejected} × 429`);
          }
          return { ...r, split: done.map((report) => (report.type === "done" ? report.accepted : 0)) };
        },
      };
    }

    let limiter: RateLimiter;
    if (c.backend === "memory") {
      limiter = createRateLimiter({ limit: N, windowMs: W, mode: c.mode });
    } else {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      clients.push(redis);
      limiter = new RedisRateLimiter({ client: redis, limit: N, windowMs: W, mode: c.mode, prefix });
    }
    return {
      close,
      run: async () => {
        const end = Date.now() + WINDOWS * W;
        const caller = async (): Promise<void> => {
          for (;;) {
            const permit = await limiter.acquire(key);
            if (Date.now() >= end) {
              await permit.cancel();
              return;
            }
            const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
            await response.arrayBuffer();
            if (response.status === 429) {
              await permit.settle({ status: 429, retryAfterMs: parseRetryAfter(response.headers.get("retry-after") ?? undefined, Date.now()) ?? W });
            } else {
              await permit.settle({ status: response.status });
            }
          }
        };
        await Promise.all(Array.from({ length: CALLERS_PER_PROCESS }, caller));
        return result();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

it("(c) precision table against the sandbox's Mapiq emulator", async () => {
  const withRedis = target !== undefined;
  if (!withRedis) console.warn(`\n!!! (c) Redis rows SKIPPED: no Redis at ${redisUrlFromEnv()} !!!\n`);
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
  // Every case has its own sandbox (own counters and log) and own Redis keys, so the cases of one
  // server shape run side by side; the shapes run one after the other to keep the machine unloaded.
  // The child processes start (and load the sources) before any case of the shape starts sending.
  const results: Result[] = [];
  for (const shape of ["sliding-log", "fixed-window", "weighted"] as RateShape[]) {
    const prepared: Prepared[] = [];
    try {
      for (const c of cases.filter((x) => x.shape === shape)) prepared.push(await prepareCase(c, run));
      results.push(...(await Promise.all(prepared.map((p) => p.run()))));
    } finally {
      await Promise.all(prepared.map((p) => p.close()));
    }
  }
  const lines = [
    "",
    `(c) precision: sandbox Mapiq emulator at ${N} per ${W / 1000} s, ${WINDOWS} windows of saturating demand (${CALLERS_PER_PROCESS} callers per process), default margins; processes > 1 are OS child processes sharing the Redis keys; counts from the sandbox's request log`,
    "| server shape | mode | limiter | processes | 429s | accepted | share of quota | accepted per process |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map(
      (r) => `| ${r.shape} | ${r.mode} | ${r.backend} | ${r.processes} | ${r.rejected} | ${r.accepted} / ${N * WINDOWS} | ${(r.share * 100).toFixed(1)} % | ${r.split?.join(" + ") ?? "—"} |`,
    ),
    "",
  ];
  console.log(lines.join("\n"));
});
