// `mly-sandbox` flags for the seed-001 behaviours, run as a user runs them: a child process on the
// bin, its printed banner read for the URLs and credentials.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../bin/mly-sandbox.js", import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  const running = child;
  child = undefined;
  if (running?.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once("exit", resolve));
  running.kill("SIGINT");
  await exited;
});

/** Starts the CLI with `args` and resolves with its banner once printed. */
async function startCli(args: readonly string[]): Promise<string> {
  const proc = spawn(process.execPath, [cli, "--port", "0", "--quiet", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  child = proc;
  let output = "";
  proc.stdout.setEncoding("utf8");
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no banner printed: ${output}`)); }, 10_000);
    proc.stdout.on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("Ctrl-C")) {
        clearTimeout(timer);
        resolve(output);
      }
    });
  });
}

/** The value printed after `name` in the Mapillary v4 block of the banner. */
function field(banner: string, name: string): string {
  const v4 = banner.slice(banner.indexOf("Mapillary v4"), banner.indexOf("Mapillary v2"));
  const value = new RegExp(`^  ${name}\\s+(\\S+)`, "m").exec(v4)?.[1];
  if (value === undefined) throw new Error(`${name} not in the banner:\n${banner}`);
  return value;
}

async function postToken(banner: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(field(banner, "tokenEndpoint"), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `OAuth ${field(banner, "clientSecret")}` },
    body: JSON.stringify({ client_id: Number(field(banner, "clientId")), ...body }),
  });
}

describe("mly-sandbox --redirect-uri and --refresh-tokens (child process)", () => {
  it("serves the printed Authentication URL on the registered callback and refreshes with the separate refresh token only", async () => {
    const banner = await startCli(["--auto-approve", "--refresh-tokens", "--redirect-uri", "https://app.example/callback"]);
    expect(banner).toContain("refresh with           separate single-use refresh_token (seed 001)");
    const authorized = await fetch(field(banner, "authenticationUrl"), { redirect: "manual" });
    expect(authorized.status).toBe(302);
    const callback = new URL(authorized.headers.get("location") ?? "");
    expect(`${callback.origin}${callback.pathname}`).toBe("https://app.example/callback");

    const exchanged = await postToken(banner, { grant_type: "authorization_code", code: callback.searchParams.get("code") });
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as { access_token: string; refresh_token?: string };
    expect(tokens.refresh_token).toBeDefined();
    expect((await postToken(banner, { grant_type: "refresh_token", refresh_token: tokens.access_token })).status).toBe(400);
    expect((await postToken(banner, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).status).toBe(200);
  });

  it("without --refresh-tokens refreshes with the still-valid access token (official API docs)", async () => {
    const banner = await startCli(["--auto-approve"]);
    expect(banner).toContain("refresh with           the still-valid access token (official API docs)");
    expect(banner).not.toContain("authenticationUrl");
    const authorized = await fetch(`${field(banner, "authorizationEndpoint")}?client_id=${field(banner, "clientId")}&redirect_uri=http://127.0.0.1:9/cb&state=s`, { redirect: "manual" });
    const code = new URL(authorized.headers.get("location") ?? "").searchParams.get("code");
    const exchanged = await postToken(banner, { grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9/cb" });
    const tokens = (await exchanged.json()) as { access_token: string; refresh_token?: string };
    expect(tokens.refresh_token).toBeUndefined();
    expect((await postToken(banner, { grant_type: "refresh_token", refresh_token: tokens.access_token })).status).toBe(200);
  });
});
