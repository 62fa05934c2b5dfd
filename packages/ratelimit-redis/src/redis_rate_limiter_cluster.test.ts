import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { BackendUnavailableError, mapiqProfile, type RateLimitPermit } from "@mly/auth-core";
import { rateLimitKeys } from "@mly/auth-core/rate-limit";
import { testRedisCluster } from "@mly/redis-test";
import { startSandbox } from "@mly/sandbox";
import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { startShapeServer } from "./_test_server.ts";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis_rate_limiter.ts";
import type { RedisClientLike } from "@mly/redis-script";

/** REDIS_CLUSTER_NODES (set by .ci/run), else a private cluster for this file, else a loud skip (an error under CI). */
const target = await testRedisCluster();
const nodes = target?.nodes ?? [];
const closers: (() => void)[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const close of closers.splice(0)) close();
  await target?.cluster?.stop(); // every node, by pid
});

async function open(kind: "ioredis" | "node-redis"): Promise<RedisClientLike> {
  if (kind === "ioredis") {
    const cluster = new Cluster(nodes.map(({ host, port }) => ({ host, port })));
    cluster.on("error", () => undefined);
    closers.push(() => { cluster.disconnect(); });
    await new Promise((resolve) => cluster.once("ready", resolve)); // slots loaded, like node-redis' connect()
    return cluster;
  }
  const cluster = createCluster({ rootNodes: nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  cluster.on("error", () => undefined);
  await cluster.connect();
  closers.push(() => { cluster.destroy(); });
  return cluster;
}

const run = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `node --import <ts loader> _test_cluster_worker.ts <config>`: one OS process with its own limiter. */
function startWorker(config: object): { ready: Promise<void>; go(): void; report: Promise<{ accepted: number; rejected: number; errors: string[] }> } {
  const child = spawn(
    process.execPath,
    ["--import", new URL("../../../tooling/scripts/ts-loader.mjs", import.meta.url).href, "--conditions=@mly/source", new URL("_test_cluster_worker.ts", import.meta.url).pathname, JSON.stringify(config)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  let onReady!: () => void;
  let onReport!: (line: string) => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const reported = new Promise<string>((resolve) => (onReport = resolve));
  lines.on("line", (line) => {
    if (line === "ready") onReady();
    else if (line.startsWith("{")) onReport(line);
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => { reject(new Error(`worker exited (${String(code)}) before its report`)); }));
  return {
    ready: Promise.race([ready, exited]),
    go: () => child.stdin.write("go\n"),
    report: Promise.race([reported, exited]).then((line) => JSON.parse(line) as { accepted: number; rejected: number; errors: string[] }),
  };
}

describe.skipIf(target === undefined)("RedisRateLimiter on Redis Cluster", () => {
  for (const kind of ["ioredis", "node-redis"] as const) {
    const limiter = async (options: Partial<RedisRateLimiterOptions> = {}): Promise<RedisRateLimiter> =>
      new RedisRateLimiter({ client: await open(kind), limit: 5, windowMs: 500, marginMs: 0, prefix: `mly:rl:cluster:${run}`, timeoutMs: 5_000, ...options }); // the claims are behaviour, not latency on a busy machine

    it(`${kind}: burst grants limit at once, then waits for slots to leave the window`, async () => {
      const rl = await limiter({ mode: "burst", limit: 3, windowMs: 300 });
      const permits = await Promise.all([1, 2, 3].map(() => rl.acquire(`${kind}:burst`)));
      // Each slot counts from its settle on the server's clock: the first one leaves the window
      // 300 ms after it was settled, so the fourth caller waits at least that long from before
      // the first settle (measured from after the last one, a busy machine shortens it).
      const beforeSettles = Date.now();
      for (const permit of permits) await permit.settle();
      await (await rl.acquire(`${kind}:burst`)).settle();
      expect(Date.now() - beforeSettles).toBeGreaterThanOrEqual(280);
    });

    it(`${kind}: two instances sharing a key never let a sliding-window server see more than N`, async () => {
      const server = await startShapeServer("sliding-log", 5, 500);
      try {
        const a = await limiter({ limit: 5, windowMs: 500 });
        const b = await limiter({ limit: 5, windowMs: 500 });
        const until = Date.now() + 1600;
        const worker = async (rl: RedisRateLimiter): Promise<void> => {
          while (Date.now() < until) {
            const permit = await rl.acquire(`${kind}:shared`);
            const response = await fetch(server.url);
            await response.text();
            await permit.settle({ status: response.status });
          }
        };
        await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
        expect(server.rejected).toBe(0);
        expect(server.accepted.length).toBeGreaterThanOrEqual(5);
      } finally {
        await server.close();
      }
    });

    it(`${kind}: pause on one instance freezes the key for the others; cancel gives the slot back`, async () => {
      const a = await limiter();
      const b = await limiter();
      // Taken before the pause starts (on the server's clock at its call): the call itself can take a while.
      const started = Date.now();
      await a.pause(`${kind}:pause`, 300);
      await (await b.acquire(`${kind}:pause`)).settle();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      const one = await limiter({ mode: "burst", limit: 1, windowMs: 10_000 });
      await (await one.acquire(`${kind}:cancel`)).cancel();
      const permit: RateLimitPermit = await one.acquire(`${kind}:cancel`);
      await permit.cancel();
    });

    it(`${kind}: 4 OS processes sharing the limiter against the sandbox's Mapiq (20 per window) → 0 × 429`, async () => {
      const sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: 20, windowMs: 2000, shape: "sliding-log" } } });
      try {
        const { apiBaseUrl, tokenEndpoint } = sandbox.endpoints.mapiq;
        const tokenResponse = await fetch(tokenEndpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: sandbox.credentials.mapiq.clientId, client_secret: sandbox.credentials.mapiq.clientSecret }),
        });
        const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
        const url = `${apiBaseUrl}/v2/buildings`;
        const key = rateLimitKeys(mapiqProfile({ apiBaseUrl }), "GET", url)[0] ?? "";
        const config = { kind, nodes, prefix: `mly:rl:cluster:${run}:${kind}:sandbox`, limit: 20, windowMs: 2000, url, key, token, callers: 3, durationMs: 5000 };
        const workers = Array.from({ length: 4 }, () => startWorker(config));
        await Promise.all(workers.map((worker) => worker.ready));
        for (const worker of workers) worker.go();
        const reports = await Promise.all(workers.map((worker) => worker.report));
        const entries = sandbox.log.entries({ method: "GET", path: new URL(url).pathname });
        const rejected = entries.filter((entry) => entry.status === 429).length;
        console.log(`RedisRateLimiter on Redis Cluster (${kind}), 4 processes × 3 callers, 20 per 2 s for 5 s: the sandbox saw ${entries.length - rejected} × 200, ${rejected} × 429`);
        expect(reports.flatMap((report) => report.errors)).toEqual([]);
        expect(rejected).toBe(0);
        expect(reports.reduce((sum, report) => sum + report.rejected, 0)).toBe(0);
        expect(entries.length).toBeGreaterThanOrEqual(20);
      } finally {
        await sandbox.close();
      }
    }, 240_000);
  }

  it("a client used the wrong way (a cluster's sendCommand handed over as a plain client's) → a TypeError saying so, never BackendUnavailableError", async () => {
    const cluster = (await open("node-redis")) as { sendCommand: (...args: unknown[]) => Promise<unknown> };
    const reported: BackendUnavailableError[] = [];
    const rl = new RedisRateLimiter({ client: { sendCommand: (args: string[]) => cluster.sendCommand(args) }, limit: 5, windowMs: 500, onBackendError: (e) => reported.push(e), fallback: { expectedProcesses: 1 } });
    const error: unknown = await rl.acquire("mistake").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/programming error, not an outage — retrying will not help/);
    await expect(rl.pause("mistake", 100)).rejects.toBeInstanceOf(TypeError);
    expect(reported).toEqual([]);
    await sleep(1);
  });
});
