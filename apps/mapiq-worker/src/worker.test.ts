import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { redisTestPrefix } from "@mly/redis-test";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quotaReport } from "./quota.ts";
import type { RunSummary } from "./supervisor.ts";

// The real binary (built by `pnpm test`'s tsc step), 4 real processes, real Redis, the sandbox
// as the Mapiq server: the sandbox's request log is the judge.
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const LIMIT = 20;
const WINDOW_MS = 2000;
const TOKEN_LIFETIME_S = 6;
const DURATION_S = 12;
const WORKERS = 4;
/** The Redis keys of this file (the workers write them); all are deleted after the file. */
const PREFIX = redisTestPrefix("mapiq-worker", REDIS_URL);

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function jsonLine(stdout: string): { summary: RunSummary; server: ReturnType<typeof quotaReport> | null } {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as { summary: RunSummary; server: ReturnType<typeof quotaReport> | null };
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm --filter @mly/mapiq-worker test\` (it builds first) or build the app.`);
});

describe(`${WORKERS} worker processes against the sandbox (${LIMIT} per ${WINDOW_MS} ms per operation, ${TOKEN_LIFETIME_S}-second tokens)`, () => {
  let sandbox: Sandbox;
  let result: CliResult;
  beforeAll(async () => {
    sandbox = await startSandbox({
      settings: { mapiqRateLimit: { limit: LIMIT, windowMs: WINDOW_MS, shape: "sliding-log" }, mapiqTokenLifetimeSeconds: TOKEN_LIFETIME_S },
    });
    result = await runCli(
      [
        "--workers", String(WORKERS),
        "--duration", String(DURATION_S),
        "--limit", String(LIMIT),
        "--window-ms", String(WINDOW_MS),
        "--clock-skew-ms", "500",
        "--refresh-min-margin-ms", "2000",
        "--redis-prefix", `${PREFIX}:${randomUUID()}`,
        "--json",
      ],
      {
        REDIS_URL,
        MAPIQ_CLIENT_ID: sandbox.credentials.mapiq.clientId,
        MAPIQ_CLIENT_SECRET: sandbox.credentials.mapiq.clientSecret,
        MAPIQ_TOKEN_URL: sandbox.endpoints.mapiq.tokenEndpoint,
        MAPIQ_API_URL: sandbox.endpoints.mapiq.apiBaseUrl,
      },
    );
  }, 180_000); // the run lasts 12 s; the rest is only a generous bound for a busy machine
  afterAll(async () => {
    await sandbox.close();
  });

  it("exits 0, prints a live line per second and a summary, and never prints the secret", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const live = result.stdout.split("\n").filter((line) => /^\[\s*\d+s\] requests/.test(line));
    // Live lines, in order (how many fit in the run depends on the machine's load, not on the app).
    expect(live.length).toBeGreaterThanOrEqual(2);
    const seconds = live.map((line) => Number(/^\[\s*(\d+)s\]/.exec(line)?.[1]));
    for (let i = 1; i < seconds.length; i += 1) expect(seconds[i]!).toBeGreaterThan(seconds[i - 1]!);
    expect(live.at(-1)).toMatch(/429s 0 {2}refreshes \d+/);
    expect(result.stdout).toContain("summary after");
    expect(result.stdout).not.toContain(sandbox.credentials.mapiq.clientSecret);
  });

  it("prints the quota chart from the telemetry events every second: each operation against the limit, and what the events reported", () => {
    const headers = result.stdout.split("\n").filter((line) => /^\[\s*\d+s\] quota: requests answered in the last 2 s per operation, against the limit of 20$/.test(line));
    expect(headers.length).toBeGreaterThanOrEqual(2);
    for (const op of ["GET /v2/buildings", "GET /v2/buildings/{id}", "GET /v2/users"]) {
      const rows = result.stdout.split("\n").filter((line) => line.startsWith(`  ${op} `) && line.includes("▕"));
      expect(rows).toHaveLength(headers.length);
      // The operation was used at some point of the run.
      expect(rows.some((row) => Number(/(\d+)\/20/.exec(row)?.[1]) > 0)).toBe(true);
    }
    const events = result.stdout.split("\n").filter((line) => line.startsWith("  events this second:"));
    expect(events).toHaveLength(headers.length);
    // 0 × 429: no throttle event ever.
    for (const line of events) expect(line).toContain("throttles seen 0");
    const { summary } = jsonLine(result.stdout);
    // The events agree with the counting fetch and the coordinators: same 2xx answers, same token requests.
    expect(Object.values(summary.total.events.used).reduce((a, b) => a + b, 0)).toBe(summary.total.ok);
    expect(summary.total.events.used).toEqual(summary.total.perOperation);
    expect(summary.total.events.refreshes).toBe(summary.total.refreshes);
    expect(summary.total.events.throttles).toBe(0);
    // 4 processes sharing 3 budgets: callers waited for slots.
    expect(summary.total.events.waits).toBeGreaterThan(0);
  });

  it("gets 0 × 429 (and 0 × 401) from the server", () => {
    const report = quotaReport(sandbox.log.entries(), { limit: LIMIT, windowMs: WINDOW_MS });
    expect(sandbox.log.count({ api: "mapiq", status: 429 })).toBe(0);
    expect(report.rateLimited).toBe(0);
    expect(report.unauthorized).toBe(0);
    expect(jsonLine(result.stdout).summary.total.rateLimited).toBe(0);
  });

  // The share of the quota is a figure, not a promise a busy machine can keep: it is printed here
  // and by `pnpm --filter @mly/mapiq-worker bench`; the test asserts behaviour only.
  it("gets every operation through, from every process", () => {
    const report = quotaReport(sandbox.log.entries(), { limit: LIMIT, windowMs: WINDOW_MS });
    const ops = Object.keys(report.operations).sort();
    expect(ops).toEqual(["GET /v2/buildings", "GET /v2/buildings/{id}", "GET /v2/users"]);
    console.log(
      `quota used over ${(report.spanMs / 1000).toFixed(1)} s: ` +
        ops.map((op) => `${op} ${report.operations[op]!.accepted}/${report.operations[op]!.possible.toFixed(0)} = ${(report.operations[op]!.share * 100).toFixed(1)} %`).join(", "),
    );
    for (const op of ops) expect(report.operations[op]!.accepted).toBeGreaterThan(0);
    // Every process did its part: the quota was shared, not used by one of them.
    for (const worker of jsonLine(result.stdout).summary.perWorker) expect(worker.ok).toBeGreaterThan(0);
  });

  it("makes one token request per token lifetime, not one per process", () => {
    const report = quotaReport(sandbox.log.entries(), { limit: LIMIT, windowMs: WINDOW_MS });
    const times = report.tokenRequests;
    // The sandbox's tokens expire on a whole second (expires_on), so they live 5-6 s; each is renewed
    // 2.5 s before it expires (2 s margin + 0.5 s skew): one token request every 2.5-3.5 s.
    const renewEveryMs = (TOKEN_LIFETIME_S - 1) * 1000 - 2500;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    console.log(`token requests: ${times.length}, gaps ${gaps.map((g) => `${g} ms`).join(", ")}`);
    expect(times.length).toBeGreaterThanOrEqual(2); // renewed during the run
    expect(times.length).toBeLessThanOrEqual(Math.ceil(report.spanMs / renewEveryMs) + 1);
    // Never two at once (4 processes each fetching their own would be 4 within milliseconds).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(renewEveryMs - 300);
    expect(sandbox.log.count({ route: "/mapiq/account/api/public/oauth2/token", status: 200 })).toBe(times.length);
    // The workers' own count agrees (which process renews is up to the race for the lock: not asserted).
    const summary = jsonLine(result.stdout).summary;
    expect(summary.total.refreshes).toBe(times.length);
  });
});

describe("--sandbox", () => {
  it("starts its own sandbox with a scaled limit and short tokens, and reports the server's view", async () => {
    const result = await runCli(["--sandbox", "--workers", "2", "--duration", "5", "--redis-prefix", `${PREFIX}:${randomUUID()}`, "--json"], { REDIS_URL });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sandbox: http:\/\/127\.0\.0\.1:\d+ — Mapiq limit 20 per 2000 ms per operation, tokens live 6 s/);
    const { summary, server } = jsonLine(result.stdout);
    expect(server).not.toBeNull();
    expect(server!.rateLimited).toBe(0);
    expect(server!.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(summary.perWorker).toHaveLength(2);
    expect(summary.total.ok).toBeGreaterThan(0);
  }, 120_000);

  it("fails with exit code 2 and a fix when credentials are missing or a flag is bad", async () => {
    const missing = await runCli([], { MAPIQ_CLIENT_ID: "", MAPIQ_CLIENT_SECRET: "" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("set MAPIQ_CLIENT_ID and MAPIQ_CLIENT_SECRET");
    const bad = await runCli(["--workers", "zero"], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--workers must be a whole number");
  });
});
