// `mly login --token` and the user name in `mly status`, through the real binary against a sandbox.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, mapillaryProfile, mapillaryV2Profile, type ProviderProfile } from "@mly/auth-core";
import { finishLogin, startLogin } from "@mly/fetch";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliResult } from "./_test_cli.ts";

const USER = { id: "777000111", username: "token-owner" };
let sandbox: Sandbox;
let configDir: string;
let env: Record<string, string>;

function mly(...args: string[]): Promise<CliResult> {
  return runCli(["--config-dir", configDir, ...args], env);
}

/** `mly … ` with `input` on stdin. */
async function mlyWithStdin(input: string, args: string[], environment = env): Promise<CliResult> {
  const cli = startCli(["--config-dir", configDir, ...args], environment);
  cli.child.stdin.end(input);
  return cli.done;
}

/** A user token obtained elsewhere (as the dashboard or another tool would): a code flow done by the test. */
async function tokenFromElsewhere(profile: ProviderProfile, credentials: { clientId: string; clientSecret: string }): Promise<string> {
  const context = { profile, client: createClient(credentials) };
  const { url, pending } = await startLogin(context, { redirectUri: "http://127.0.0.1:9/elsewhere" });
  const consent = await fetch(url, { redirect: "manual" });
  await consent.body?.cancel();
  const tokens = await finishLogin(context, pending, consent.headers.get("location") ?? "");
  return tokens.accessToken.reveal();
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true, user: USER });
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-login-token-"));
  // The client id only: importing a token needs no app secret.
  env = { NO_COLOR: "1", MLY_SANDBOX_URL: sandbox.url, MAPILLARY_CLIENT_ID: sandbox.credentials.mapillary.clientId };
});
afterAll(async () => {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
});

describe("mly login --token", () => {
  it("reads the token from stdin, checks it with one GET /me, saves it with its user; the token is never printed", async () => {
    const token = await tokenFromElsewhere(mapillaryProfile(sandbox.endpoints.mapillary), sandbox.credentials.mapillary);
    sandbox.log.clear();
    const result = await mlyWithStdin(`${token}\n`, ["login", "--token", "-p", "imported"]);
    expect(result.stderr).toContain("Saved the Mapillary token as profile imported (user token-owner); expires in 60 days.");
    expect(result.code).toBe(0);
    expect(sandbox.log.entries().map((e) => `${e.method} ${e.route ?? e.path} ${e.status}`)).toEqual(["GET /mapillary/graph/me 200"]);
    expect(result.stdout + result.stderr).not.toContain(token);
    const revealed = await mly("-p", "imported", "token", "--reveal");
    expect(revealed.stdout).toBe(`${token}\n`);
    const me = await mly("-p", "imported", "me");
    expect(me.stdout).toContain("token-owner");
  });

  it("mly status shows the user behind each profile from the login's cache: no request", async () => {
    sandbox.log.clear();
    const result = await mly("status", "-p", "imported");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`  user:   token-owner (id ${USER.id})`);
    const json = await mly("status", "--json");
    expect((JSON.parse(json.stdout) as { profiles: { profile: string; user: unknown }[] }).profiles.find((p) => p.profile === "imported")?.user).toEqual(USER);
    expect(sandbox.log.count()).toBe(0);
  });

  it("the browser login caches the user too (one GET /me after the exchange)", async () => {
    const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0", "-p", "browser"], { ...env, MAPILLARY_CLIENT_SECRET: sandbox.credentials.mapillary.clientSecret });
    const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
    await (await fetch(url)).text();
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Logged in to Mapillary as profile browser (user token-owner)");
    sandbox.log.clear();
    expect((await mly("status", "-p", "browser")).stdout).toContain("  user:   token-owner");
    expect(sandbox.log.count()).toBe(0);
  });

  it("a failed user lookup after a browser login keeps the login and says so; status then shows no user", async () => {
    sandbox.faults.inject({ route: "/mapillary/graph/me", fault: { kind: "status", status: 503 } });
    const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0", "-p", "nouser"], { ...env, MAPILLARY_CLIENT_SECRET: sandbox.credentials.mapillary.clientSecret });
    const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
    await (await fetch(url)).text();
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Logged in, but the user name could not be looked up");
    expect(result.stderr).toContain("Logged in to Mapillary as profile nouser (scopes");
    const status = await mly("status", "-p", "nouser");
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain("user:");
  });

  it("Mapillary v2: checked with GET /v2/me (client_id + Bearer), saved with the user", async () => {
    const v2 = sandbox.credentials.mapillaryV2;
    const token = await tokenFromElsewhere(mapillaryV2Profile(sandbox.endpoints.mapillaryV2), v2);
    sandbox.log.clear();
    const result = await mlyWithStdin(token, ["login", "--token", "--provider", "mapillary-v2", "-p", "legacy"], { ...env, MAPILLARY_V2_CLIENT_ID: v2.clientId });
    expect(result.code).toBe(0);
    expect(sandbox.log.entries().map((e) => `${e.route ?? e.path} ${e.clientId ?? ""} ${e.status}`)).toEqual([`/mapillary-v2/v2/me ${v2.clientId} 200`]);
    expect((await mly("status", "-p", "legacy")).stdout).toContain("  user:   token-owner");
  });

  it("a revoked token is refused with the reason: exit 2, nothing saved", async () => {
    const token = await tokenFromElsewhere(mapillaryProfile(sandbox.endpoints.mapillary), sandbox.credentials.mapillary);
    expect(sandbox.revokeToken(token)).toBe(true);
    const result = await mlyWithStdin(`${token}\n`, ["login", "--token", "-p", "revoked"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("The token was refused: The Mapillary token was revoked");
    expect(result.stdout + result.stderr).not.toContain(token);
    const status = await mly("status", "-p", "revoked");
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('No profile "revoked"');
  });

  it("never from argv: a token on the command line is refused unread and unechoed, before any request", async () => {
    sandbox.log.clear();
    const result = await mlyWithStdin("", ["login", "--token", "-p", "argv", "SECRET-TOKEN-ON-ARGV"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("reads the token from stdin, never from the command line");
    expect(result.stderr).not.toContain("SECRET-TOKEN-ON-ARGV");
    expect(sandbox.log.count()).toBe(0);
  });

  it("an app token (MLY|…) or empty input is refused before any request (exit 1)", async () => {
    sandbox.log.clear();
    const app = await mlyWithStdin(`${sandbox.credentials.mapillary.clientToken}\n`, ["login", "--token", "-p", "app"]);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain("That is an app token (MLY|…), not a user token");
    expect(app.stderr).not.toContain(sandbox.credentials.mapillary.clientToken);
    const empty = await mlyWithStdin("", ["login", "--token", "-p", "empty"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("No input: the token is read from stdin");
    expect(sandbox.log.count()).toBe(0);
  });

  it("options of the browser login do not mix with --token", async () => {
    const result = await mlyWithStdin("x\n", ["login", "--token", "--port", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--port is an option of the browser login");
  });
});
