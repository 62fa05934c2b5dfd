// `mly refresh --all --if-needed` through the real binary against a sandbox: cron-safe output
// and exit codes.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliResult } from "./_test_cli.ts";

let sandbox: Sandbox;
let configDir: string;
let env: Record<string, string>;

function mly(...args: string[]): Promise<CliResult> {
  return runCli(["--config-dir", configDir, ...args], env);
}

/** `mly login --profile NAME` completed like a browser. */
async function login(profile: string): Promise<void> {
  const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0", "--profile", profile], env);
  const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
  await (await fetch(url)).text();
  expect((await cli.done).code).toBe(0);
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-refresh-all-"));
  const c = sandbox.credentials;
  env = { NO_COLOR: "1", MLY_SANDBOX_URL: sandbox.url, MAPILLARY_CLIENT_ID: c.mapillary.clientId, MAPILLARY_CLIENT_SECRET: c.mapillary.clientSecret };
});
afterAll(async () => {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
});

describe("mly refresh --all --if-needed", () => {
  it("nothing due: prints nothing, exit 0, no token request", async () => {
    await login("fresh");
    sandbox.log.clear();
    const result = await mly("refresh", "--all", "--if-needed");
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(sandbox.log.count({ grantType: "refresh_token" })).toBe(0);
  });

  it("a due token is renewed (one refresh grant), the fresh one untouched; then quiet again", async () => {
    // A 20-second token is inside its refresh margin from the start (the margin includes 30 s of clock skew).
    sandbox.settings.mapillaryTokenLifetimeSeconds = 20;
    await login("due");
    sandbox.settings.mapillaryTokenLifetimeSeconds = 60 * 86_400;
    sandbox.log.clear();
    const result = await mly("refresh", "--all", "--if-needed");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^✓ Renewed profile due: the new token expires .+\n$/);
    expect(sandbox.log.count({ grantType: "refresh_token", status: 200 })).toBe(1);
    const again = await mly("refresh", "--all", "--if-needed");
    expect(again).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
  });

  it("a due token the server no longer renews → exit 2 naming the login to run; the others are still handled", async () => {
    sandbox.settings.mapillaryTokenLifetimeSeconds = 20;
    await login("dead");
    sandbox.settings.mapillaryTokenLifetimeSeconds = 60 * 86_400;
    // The server drops every token; the other profiles are not due, so only "dead" is sent.
    expect(sandbox.expireAllTokens()).toBeGreaterThan(0);
    const result = await mly("refresh", "--all", "--if-needed");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Profile dead: the token can no longer be renewed. Run `mly login --profile dead`.");
    // The fresh profiles stayed quiet.
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("--all without --if-needed is a usage error (exit 1)", async () => {
    const result = await mly("refresh", "--all");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--if-needed");
  });
});
