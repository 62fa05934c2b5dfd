// `mly login` → `mly refresh` → `mly me` through the real binary, in both Mapillary v4 refresh
// modes of the sandbox: the official API docs (the access token is the refresh token; default)
// and seed 001 (a separate single-use refresh token that a refresh requires).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliResult } from "./_test_cli.ts";

describe.each([
  { mode: "official API docs (default)", separateRefreshToken: false },
  { mode: "seed 001 (separate refresh token)", separateRefreshToken: true },
])("mly login → refresh → me, $mode", ({ separateRefreshToken }) => {
  let sandbox: Sandbox;
  let configDir: string;
  let env: Record<string, string>;
  const mly = (...args: string[]): Promise<CliResult> => runCli(["--config-dir", configDir, ...args], env);

  beforeAll(async () => {
    sandbox = await startSandbox({ autoApprove: true, settings: { mapillaryRefreshTokens: separateRefreshToken } });
    configDir = await mkdtemp(join(tmpdir(), "mly-cli-refresh-"));
    const c = sandbox.credentials;
    env = { NO_COLOR: "1", MLY_SANDBOX_URL: sandbox.url, MAPILLARY_CLIENT_ID: c.mapillary.clientId, MAPILLARY_CLIENT_SECRET: c.mapillary.clientSecret };
  });
  afterAll(async () => {
    await sandbox.close();
    await rm(configDir, { recursive: true, force: true });
  });

  it("logs in, refreshes twice (each from the stored tokens), and the API answers with the newest token", async () => {
    const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0"], env);
    const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
    await (await fetch(url)).text();
    expect((await cli.done).code).toBe(0);
    const exchange = sandbox.log.last({ grantType: "authorization_code" });
    expect(exchange?.status).toBe(200);

    const first = (await mly("token", "--reveal")).stdout.trim();
    for (let i = 1; i <= 2; i++) {
      const refreshed = await mly("refresh");
      expect(refreshed.code).toBe(0);
      expect(refreshed.stderr).toContain("Refreshed profile default");
    }
    // In seed 001's mode the sandbox refuses an access token or a used refresh token: two
    // successful refreshes prove the CLI stored and sent each new refresh token.
    expect(sandbox.log.count({ grantType: "refresh_token", status: 200 })).toBe(2);
    expect(sandbox.log.count({ grantType: "refresh_token" })).toBe(2);
    const latest = (await mly("token", "--reveal")).stdout.trim();
    expect(latest).not.toBe(first);

    const me = await mly("me");
    expect(me.code).toBe(0);
    expect(me.stdout).toContain("sandbox-user");
    expect(sandbox.log.last({ route: "/mapillary/graph/me" })).toMatchObject({ status: 200, credential: "user-token", credentialLocation: "header" });
  });
});
