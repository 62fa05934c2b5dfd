// Issue 11, item 2: `mly mapiq get` waits out a 429 (the network timeout never cuts the wait
// short), and a wait beyond what it accepts exits 3.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./_test_cli.ts";

let sandbox: Sandbox;
let configDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox();
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-wait-"));
  env = { NO_COLOR: "1", MLY_SANDBOX_URL: sandbox.url, MAPIQ_CLIENT_ID: sandbox.credentials.mapiq.clientId, MAPIQ_CLIENT_SECRET: sandbox.credentials.mapiq.clientSecret };
});
afterAll(async () => {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.log.clear();
});

const buildings = (status: number): number => sandbox.log.count((e) => e.route === "/mapiq/api/v2/buildings" && e.status === status);
const throttleOnce = (retryAfterSeconds: number): void => {
  sandbox.faults.inject({ route: "/mapiq/api/v2/buildings", fault: { kind: "status", status: 429, headers: { "retry-after": String(retryAfterSeconds) } } });
};

describe("mly mapiq get under a 429", () => {
  it("waits out a 429 longer than the 30 s network timeout and prints the answer (exit 0)", { timeout: 120_000 }, async () => {
    throttleOnce(31);
    const result = await runCli(["--config-dir", configDir, "mapiq", "get", "/v2/buildings"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { items: unknown[] }).items).toHaveLength(3);
    expect(buildings(429)).toBe(1);
    expect(buildings(200)).toBe(1);
  });

  it("a wait beyond what it accepts (120 s) is a RateLimitedError: exit 3, at once", async () => {
    throttleOnce(300);
    const result = await runCli(["--config-dir", configDir, "mapiq", "get", "/v2/buildings"], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/rate limited.*retry in 300 s/i);
    expect(buildings(429)).toBe(1);
    expect(buildings(200)).toBe(0);
  });
});
