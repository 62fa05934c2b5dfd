// `mly login --paste` through the real binary against a sandbox whose app has only an HTTPS
// callback (no loopback redirects): the test plays the user on another machine — it opens the
// printed URL, reads where the browser would be redirected, and pastes that on mly's stdin.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliChild, type CliResult } from "./_test_cli.ts";
import { callbackUrlOf } from "./paste_login.ts";

const CALLBACK = "https://mly-cli.example/mapillary/callback";
let sandbox: Sandbox;
let configDir: string;
let env: Record<string, string>;

function mly(...args: string[]): Promise<CliResult> {
  return runCli(["--config-dir", configDir, ...args], env);
}

/** Starts `mly login --paste` and waits for the printed authorization URL. */
async function startPaste(profile: string, extra: string[] = []): Promise<{ cli: CliChild; url: string }> {
  const cli = startCli(["--config-dir", configDir, "login", "--paste", "--redirect-uri", CALLBACK, "-p", profile, ...extra], env);
  const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
  await cli.waitForStderr(/press Enter:/);
  return { cli, url };
}

/** The user's browser: consent (auto-approved), then the redirect it would follow, not followed. */
async function redirectedTo(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  expect(response.status).toBe(302);
  return response.headers.get("location") ?? "";
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true, redirectUris: [CALLBACK], allowLoopbackRedirects: false });
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-login-paste-"));
  const c = sandbox.credentials.mapillary;
  env = { NO_COLOR: "1", MLY_SANDBOX_URL: sandbox.url, MAPILLARY_CLIENT_ID: c.clientId, MAPILLARY_CLIENT_SECRET: c.clientSecret };
});
afterAll(async () => {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
});

describe("mly login --paste", () => {
  it("prints the URL, takes the pasted redirect to the app's HTTPS callback, exchanges the code and saves the token", async () => {
    const { cli, url } = await startPaste("ssh");
    expect(new URL(url).searchParams.get("redirect_uri")).toBe(CALLBACK);
    const location = await redirectedTo(url);
    expect(location.startsWith(`${CALLBACK}?code=`)).toBe(true);
    cli.child.stdin.end(`${location}\n`);
    const result = await cli.done;
    expect(result.stderr).toContain("Logged in to Mapillary as profile ssh (user sandbox-user)");
    expect(result.code).toBe(0);
    expect(sandbox.log.count({ grantType: "authorization_code", status: 200 })).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(new URL(location).searchParams.get("code") ?? "no code");
    const me = await mly("-p", "ssh", "me");
    expect(me.stdout).toContain("sandbox-user");
  });

  it("a pasted URL with another state: StateMismatchError, exit 2, no code exchange, nothing saved", async () => {
    const { cli, url } = await startPaste("forged");
    const location = new URL(await redirectedTo(url));
    location.searchParams.set("state", "not-the-state-of-this-login");
    sandbox.log.clear();
    cli.child.stdin.end(`${location.href}\n`);
    const result = await cli.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Login failed: .*state/i);
    expect(result.stdout + result.stderr).not.toContain(location.searchParams.get("code") ?? "no code");
    expect(sandbox.log.count({ grantType: "authorization_code" })).toBe(0);
    const status = await mly("status", "-p", "forged");
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('No profile "forged"');
  });

  it("a URL of another callback (not the registered redirect URI) is refused the same way", async () => {
    const { cli, url } = await startPaste("elsewhere");
    const location = new URL(await redirectedTo(url));
    sandbox.log.clear();
    cli.child.stdin.end(`https://attacker.example/callback${location.search}\n`);
    const result = await cli.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Login failed:");
    expect(sandbox.log.count({ grantType: "authorization_code" })).toBe(0);
  });

  it("the server's error answer (access denied) is a login failure, exit 2", async () => {
    const { cli, url } = await startPaste("denied");
    const state = new URL(url).searchParams.get("state") ?? "";
    sandbox.log.clear();
    cli.child.stdin.end(`${CALLBACK}?error=access_denied&state=${state}\n`);
    const result = await cli.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("access_denied");
    expect(sandbox.log.count({ grantType: "authorization_code" })).toBe(0);
  });

  it("a bare code works, with a warning that no state could be checked", async () => {
    const { cli, url } = await startPaste("bare");
    const code = new URL(await redirectedTo(url)).searchParams.get("code") ?? "";
    cli.child.stdin.end(`${code}\n`);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("A bare code carries no state");
    expect(result.stderr).toContain("Logged in to Mapillary as profile bare");
  });

  it("--paste without --redirect-uri is a usage error naming the fix (exit 1)", async () => {
    const result = await mly("login", "--paste");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--paste needs --redirect-uri URL");
  });
});

describe("callbackUrlOf (what was pasted → the callback URL to validate)", () => {
  const pending = { provider: "mapillary", state: "S", codeVerifier: undefined, redirectUri: CALLBACK, scopes: ["read"], responseType: "code" as const, createdAt: 0 };

  it("a whole URL as is; a query on the redirect URI; a bare code with the pending state", () => {
    expect(callbackUrlOf(`${CALLBACK}?code=c&state=x`, pending)).toBe(`${CALLBACK}?code=c&state=x`);
    expect(callbackUrlOf("?code=c&state=x", pending)).toBe(`${CALLBACK}?code=c&state=x`);
    expect(callbackUrlOf("code=c&state=x", pending)).toBe(`${CALLBACK}?code=c&state=x`);
    let told = 0;
    expect(callbackUrlOf("AQBx-1_2", pending, () => (told += 1))).toBe(`${CALLBACK}?code=AQBx-1_2&state=S`);
    expect(told).toBe(1);
  });

  it("property: any pasted code comes back exactly as the code parameter, never as a URL or another parameter", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !/^[a-z][a-z0-9+.-]*:\/?\//i.test(s) && !/(^|&)(code|error|state)=/.test(s.replace(/^\?/, ""))), (code) => {
        const url = new URL(callbackUrlOf(code, pending));
        expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
        expect(url.searchParams.get("code")).toBe(code);
        expect(url.searchParams.get("state")).toBe("S");
        expect([...url.searchParams.keys()].sort()).toEqual(["code", "state"]);
      }),
    );
  });
});
