/**
 * The learned-limit bench (issue 15 §5): 4 OS processes share one `RedisRateLimiter` key and call
 * the sandbox's Mapiq route `GET /v2/reports/{id}`, configured at the documented 20 per window
 * while the server really allows 5, for 10 windows. Targets: ≤ 4 × 429 in total, and ≥ 90 % of the
 * real quota (5 per window) used after the first window. Prints the figures per window and in
 * total. Run: `pnpm --filter @mly/ratelimit-redis bench` (REDIS_URL, else a private redis-server).
 * `BENCH_WINDOW_MS` (default 3000) scales the window: the sandbox and the limiter use the same.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { deleteTestKeys, testRedis, uniqueTestPrefix } from "@mly/redis-test";
import { startSandbox } from "@mly/sandbox";

const PROCESSES = 4;
const WINDOWS = 10;
const CONCURRENCY = 2;
const REAL_LIMIT = 5;
const windowMs = Number(process.env["BENCH_WINDOW_MS"] ?? 3000);

const target = await testRedis();
if (target === undefined) throw new Error("learned-limit bench: no Redis (set REDIS_URL or install redis-server)");
const prefix = uniqueTestPrefix("bench-learned");
const sandbox = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit: 20, windowMs, shape: "sliding-log" }, mapiqRouteLimits: { "GET /v2/reports/{id}": { limit: REAL_LIMIT } } } });

const loader = fileURLToPath(new URL("../../../tooling/scripts/ts-loader.mjs", import.meta.url));
const worker = fileURLToPath(new URL("./_learned_worker.ts", import.meta.url));
/** Every worker process, so the end can stop the ones still running before it deletes the keys. */
const children: ChildProcess[] = [];

/** Kills the workers still running and waits until they have exited (none may write a key after the cleanup). */
async function stopWorkers(): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => { resolve(); }));
      child.kill("SIGKILL");
      await exited;
    }),
  );
}

interface Worker {
  /** Resolves once the process has its token and waits for the start. */
  ready: Promise<void>;
  start(at: number): void;
  results: Promise<{ at: number; status: number }[]>;
}

function runWorker(): Worker {
  const child = spawn(process.execPath, ["--conditions=@mly/source", "--import", loader, worker], {
    env: {
      ...process.env,
      WINDOW_MS: String(windowMs),
      WINDOWS: String(WINDOWS),
      CONCURRENCY: String(CONCURRENCY),
      ROUTE_URL: `${sandbox.endpoints.mapiq.apiBaseUrl}/v2/reports/8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001`,
      TOKEN_URL: sandbox.endpoints.mapiq.tokenEndpoint,
      CLIENT_ID: sandbox.credentials.mapiq.clientId,
      CLIENT_SECRET: sandbox.credentials.mapiq.clientSecret,
      REDIS_URL: target?.url ?? "",
      PREFIX: prefix,
      KEY: "mapiq:endpoint:GET /v2/reports/{id}",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  let output = "";
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.startsWith("ready\n")) markReady();
  });
  const results = new Promise<{ at: number; status: number }[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      markReady();
      if (code === 0) resolve(JSON.parse(output.slice("ready\n".length)) as { at: number; status: number }[]);
      else reject(new Error(`worker ${child.pid ?? "?"} exited with ${String(code)}`));
    });
  });
  return {
    ready,
    start: (at) => {
      child.stdin.end(`${at}\n`);
    },
    results,
  };
}

try {
  const workers = Array.from({ length: PROCESSES }, runWorker);
  await Promise.all(workers.map(async (w) => w.ready));
  // Every process is loaded and has its token: all start together, half a second from now.
  const startAt = Date.now() + 500;
  for (const w of workers) w.start(startAt);
  const results = (await Promise.all(workers.map(async (w) => w.results))).flat();
  if (process.env["BENCH_TRACE"] === "1") console.log(JSON.stringify(results.sort((a, b) => a.at - b.at)));
  const windows = Array.from({ length: WINDOWS }, (_, i) => {
    const inside = results.filter((r) => r.at >= i * windowMs && r.at < (i + 1) * windowMs);
    return { window: i + 1, ok: inside.filter((r) => r.status === 200).length, throttled: inside.filter((r) => r.status === 429).length };
  });
  const throttled = results.filter((r) => r.status === 429).length;
  const afterFirst = windows.slice(1).reduce((sum, w) => sum + w.ok, 0);
  const quota = (WINDOWS - 1) * REAL_LIMIT;
  const share = (100 * afterFirst) / quota;
  console.log(`learned limit: ${PROCESSES} processes × ${CONCURRENCY} callers, one RedisRateLimiter key configured at 20 per ${windowMs} ms, server's real limit ${REAL_LIMIT} (sandbox GET /v2/reports/{id}, sliding log)`);
  console.table(windows);
  console.log(`429s in total: ${throttled} (target ≤ 4)`);
  console.log(`after the first window: ${afterFirst} of ${quota} requests of the real quota = ${share.toFixed(1)} % (target ≥ 90 %)`);
  console.log(`other statuses: ${results.filter((r) => r.status !== 200 && r.status !== 429).length}`);
  if (throttled > 4 || share < 90) process.exitCode = 1;
} finally {
  await stopWorkers();
  await sandbox.close();
  await deleteTestKeys(target.url, prefix);
  await target.server?.stop("SIGTERM");
}
