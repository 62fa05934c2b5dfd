import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATASET_BBOX, fingerprint, startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliResult } from "./_test_cli.ts";
import { COMMANDS } from "./commands/mod.ts";

let sandbox: Sandbox;
let configDir: string;
let env: Record<string, string>;
const bbox = DATASET_BBOX.join(",");
const seen: string[] = [];

function remember(result: CliResult): CliResult {
  seen.push(result.stdout, result.stderr);
  return result;
}

async function mly(...args: string[]): Promise<CliResult> {
  return remember(await runCli(["--config-dir", configDir, ...args], env));
}

/** Completes a `mly login --no-browser` like a browser: fetches the printed URL, follows the redirects. */
async function login(extra: string[] = [], environment = env): Promise<{ result: CliResult; page: string; status: number }> {
  const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0", ...extra], environment);
  const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary(?:-v2)?\/connect\?\S+/);
  const response = await fetch(url);
  const page = await response.text();
  return { result: remember(await cli.done), page, status: response.status };
}

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-test-"));
  const c = sandbox.credentials;
  env = {
    NO_COLOR: "1",
    MLY_SANDBOX_URL: sandbox.url,
    MAPILLARY_CLIENT_ID: c.mapillary.clientId,
    MAPILLARY_CLIENT_SECRET: c.mapillary.clientSecret,
    MAPILLARY_CLIENT_TOKEN: c.mapillary.clientToken,
    MAPIQ_CLIENT_ID: c.mapiq.clientId,
    MAPIQ_CLIENT_SECRET: c.mapiq.clientSecret,
  };
});

afterAll(async () => {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
});

describe("mly against a sandbox, through the real binary", () => {
  let token = "";

  it("login: loopback callback, consent followed like a browser, token saved in the file store", async () => {
    const { result, page, status } = await login();
    expect(result.stderr).toContain("Logged in to Mapillary as profile default");
    expect(result.code).toBe(0);
    expect(status).toBe(200);
    expect(page).toContain("You can close this tab");
    expect(result.stderr).toContain("expires in 60 days");
    expect(sandbox.log.count({ grantType: "authorization_code", status: 200 })).toBe(1);
    const profiles = JSON.parse(await readFile(join(configDir, "profiles.json"), "utf8")) as { profiles: Record<string, { sandboxUrl: string }> };
    expect(profiles.profiles["default"]?.sandboxUrl).toBe(sandbox.url);
  });

  it("token: nothing without --reveal; --reveal prints exactly the token", async () => {
    const hidden = await mly("token");
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toBe("");
    expect(hidden.stderr).toContain("add --reveal");
    const shown = await mly("token", "--reveal");
    expect(shown.code).toBe(0);
    token = shown.stdout.trim();
    expect(token.length).toBeGreaterThan(10);
    expect(shown.stdout).toBe(`${token}\n`);
    expect(hidden.stderr).not.toContain(token);
  });

  it("status: profile, provider, scopes and expiry in human terms — never the token", async () => {
    const result = await mly("status");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/default\s+mapillary\s+client \d+/);
    expect(result.stdout).toContain("scopes: read");
    // The same words as login's a moment before (Intl.RelativeTimeFormat, rounded): not "59 days".
    expect(result.stdout).toContain("valid, expires in 60 days");
    expect(result.stdout).toMatch(/logged in \d+ seconds? ago/);
    expect(result.stdout + result.stderr).not.toContain(token);
    const json = await mly("status", "--json");
    expect(json.stdout).not.toContain(token);
    expect((JSON.parse(json.stdout) as { profiles: { usable: boolean }[] }).profiles[0]?.usable).toBe(true);
  });

  it("me: the user behind the stored token (sent as Authorization: OAuth)", async () => {
    const result = await mly("me");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("sandbox-user");
    const last = sandbox.log.last({ route: "/mapillary/graph/me" });
    expect(last?.credential).toBe("user-token");
    expect(last?.credentialLocation).toBe("header");
    expect(last?.credentialFingerprint).toBe(fingerprint(token));
  });

  it("short global flags stand before the command, as in gh and git: mly -p NAME me", async () => {
    const me = await runCli(["--config-dir", configDir, "-p", "default", "me"], env);
    expect(me.stderr).toBe("");
    expect(me.code).toBe(0);
    expect(me.stdout).toContain("sandbox-user");
    const other = await runCli(["-p", "nobody", "--config-dir", configDir, "status"], env);
    expect(other.code).toBe(2);
    expect(other.stdout).toContain('No profile "nobody"');
    // A leading `--`, as `pnpm … -- args` passes on, is only a separator.
    const dashed = await runCli(["--", "--config-dir", configDir, "me", "--json"], env);
    expect(dashed.code).toBe(0);
    expect(JSON.parse(dashed.stdout)).toMatchObject({ username: "sandbox-user" });
  });

  it("refresh: renews with the current token and stores the new one", async () => {
    const result = await mly("refresh");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Refreshed profile default");
    expect(sandbox.log.count({ grantType: "refresh_token", status: 200 })).toBe(1);
    const next = (await mly("token", "--reveal")).stdout.trim();
    expect(next).not.toBe(token);
    token = next;
  });

  it("images → NDJSON: several pages through the limiter, one valid image per line", async () => {
    const out = join(configDir, "images.ndjson");
    const pagesBefore = sandbox.log.count({ route: "/mapillary/graph/images" });
    const result = await mly("images", "--bbox", bbox, "--limit", "230", "--page-size", "50", "--out", out);
    expect(result.stderr).toContain("230 images in 5 pages");
    expect(result.code).toBe(0);
    expect(sandbox.log.count({ route: "/mapillary/graph/images" }) - pagesBefore).toBe(5);
    const lines = (await readFile(out, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(230);
    const images = lines.map((line) => JSON.parse(line) as { id: string; geometry: { type: string } });
    expect(new Set(images.map((i) => i.id)).size).toBe(230);
    expect(images[0]?.geometry.type).toBe("Point");
    // Not a TTY: plain progress lines, no carriage returns.
    expect(result.stderr).not.toContain("\r");
  });

  it("images → stdout GeoJSON: a FeatureCollection of Point features", async () => {
    const result = await mly("images", "--bbox", bbox, "--limit", "120", "--page-size", "50", "--format", "geojson");
    expect(result.code).toBe(0);
    const collection = JSON.parse(result.stdout) as { type: string; features: { type: string; id: string; geometry: { type: string }; properties: { id: string } }[] };
    expect(collection.type).toBe("FeatureCollection");
    expect(collection.features).toHaveLength(120);
    expect(collection.features[5]?.type).toBe("Feature");
    expect(collection.features[5]?.geometry.type).toBe("Point");
    expect(collection.features[5]?.properties.id).toBe(collection.features[5]?.id);
  });

  for (const format of ["ndjson", "geojson"] as const) {
    it(`images: Ctrl-C mid-download stops cleanly and leaves a valid ${format} file`, async () => {
      const fault = sandbox.faults.inject({ route: "/mapillary/graph/images", fault: { kind: "latency", ms: 150 }, times: Infinity });
      try {
        const out = join(configDir, `interrupted.${format}`);
        const cli = startCli(["--config-dir", configDir, "images", "--bbox", bbox, "--page-size", "10", "--limit", "2000", "--format", format, "--out", out], env);
        await cli.waitForStderr(/ ([3-9]\d|\d{3,})\/2000 images/);
        cli.child.kill("SIGINT");
        const result = remember(await cli.done);
        expect(result.code).toBe(130);
        expect(result.stderr).toMatch(/Interrupted: \d+ images written/);
        const text = await readFile(out, "utf8");
        const count =
          format === "ndjson"
            ? text.trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string }).length
            : (JSON.parse(text) as { features: unknown[] }).features.length;
        expect(count).toBeGreaterThanOrEqual(30);
        expect(count).toBeLessThan(2000);
        expect(result.stderr).toContain(`Interrupted: ${count} images written`);
      } finally {
        fault.remove();
      }
    });
  }

  it("tiles-url: a template with the client token (never the user token) that serves tiles", async () => {
    const result = await mly("tiles-url", "--layer", "mly1_computed_public");
    expect(result.code).toBe(0);
    const template = result.stdout.trim();
    expect(template).toMatch(new RegExp(`^${sandbox.url}/mapillary/tiles/maps/vtp/mly1_computed_public/2/\\{z\\}/\\{x\\}/\\{y\\}\\?access_token=MLY%7C`));
    expect(template).not.toContain(encodeURIComponent(token));
    const tile = await fetch(template.replace("{z}", "14").replace("{x}", "4130").replace("{y}", "5990"));
    expect(tile.status).toBe(200);
    const bad = await mly("tiles-url", "--layer", "nope");
    expect(bad.code).toBe(1);
  });

  it("mapiq token / get: client credentials, cached in the store, rate-limited GETs", async () => {
    const first = await mly("mapiq", "token");
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/Mapiq app token \(bearer\).*expires in 1 hour \(new\)/i);
    const reveal = await mly("mapiq", "token", "--reveal");
    expect(reveal.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    const get = await mly("mapiq", "get", "/v2/buildings");
    expect(get.code).toBe(0);
    expect((JSON.parse(get.stdout) as { items: unknown[] }).items).toHaveLength(3);
    expect(sandbox.log.count({ grantType: "client_credentials", status: 200 })).toBe(1);
    expect(sandbox.log.last({ api: "mapiq", route: "/mapiq/api/v2/buildings" })?.credentialFingerprint).toBe(fingerprint(reveal.stdout.trim()));
    const usage = await mly("mapiq", "get", "buildings");
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("/v2/");
  });

  it("mapiq get: a 404 says what it means and what to try", async () => {
    const result = await mly("mapiq", "get", "/v2/buildings/no-such-building");
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("GET /v2/buildings/no-such-building answered 404");
    expect(result.stderr).toContain("Hint:");
    expect(result.stderr).toContain("mly mapiq get /v2/buildings");
  });

  it("no secret leaks: the user token never appeared in any output except token --reveal", () => {
    const leaks = seen.filter((text) => text.includes(token) && text.trim() !== token);
    expect(leaks).toEqual([]);
  });

  it("logout: token deleted; then status and token exit 2 with the fix", async () => {
    const result = await mly("logout");
    expect(result.code).toBe(0);
    const status = await mly("status");
    expect(status.code).toBe(2);
    expect(status.stdout).toContain("Run `mly login`");
    const again = await mly("token", "--reveal");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("mly login");
    expect(again.stdout).toBe("");
  });
});

describe("errors and exit codes", () => {
  it("wrong client secret at login: exit 6, a message naming the fix, a clear error page", async () => {
    const { result, page, status } = await login([], { ...env, MAPILLARY_CLIENT_SECRET: "MLY|1|00000000000000000000000000000000" });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("MAPILLARY_CLIENT_SECRET");
    expect(status).toBe(400);
    expect(page).toContain("Login failed");
  });

  it("consent denied: exit 2, the browser sees 'Login cancelled'", async () => {
    sandbox.settings.autoApprove = false;
    try {
      const cli = startCli(["--config-dir", configDir, "login", "--no-browser", "--port", "0", "--profile", "denied"], env);
      const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/mapillary\/connect\?\S+/);
      const consent = await (await fetch(url)).text();
      const requestId = /name="request_id" value="([^"]+)"/.exec(consent)?.[1] ?? "";
      const denied = await fetch(sandbox.endpoints.mapillary.authorizationEndpoint, {
        method: "POST",
        body: new URLSearchParams({ request_id: requestId, decision: "deny" }),
      });
      const page = await denied.text();
      const result = await cli.done;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/Login failed: .*user_denied/);
      expect(denied.status).toBe(403);
      expect(page).toContain("Login cancelled");
    } finally {
      sandbox.settings.autoApprove = true;
    }
  });

  it("wrong Mapiq secret: exit 6 with the variables to check", async () => {
    const fresh = await mkdtemp(join(tmpdir(), "mly-cli-mapiq-"));
    const result = await runCli(["--config-dir", fresh, "mapiq", "get", "/v2/users"], { ...env, MAPIQ_CLIENT_SECRET: "wrong" });
    await rm(fresh, { recursive: true, force: true });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("invalid_client");
    // Said once, with the fix: not the core's hint and then the same words as a "Fix:" line.
    expect(result.stderr.match(/client id and secret/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: .*invalid_client.*\nFix: check the client id and secret \(flags --client-id/);
  });

  it("missing credentials: exit 6 naming the environment variable", async () => {
    const { MAPIQ_CLIENT_ID: _omit, ...rest } = env;
    const result = await runCli(["--config-dir", configDir, "mapiq", "token"], rest);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("Missing MAPIQ_CLIENT_ID");
  });

  it("usage mistakes: exit 1", async () => {
    expect((await runCli(["nope"], env)).code).toBe(1);
    expect((await runCli(["images", "--config-dir", configDir], env)).stderr).toContain("--bbox is required");
    const bad = await runCli(["images", "--bbox", "1,2,3", "--config-dir", configDir], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("not four numbers");
    expect((await runCli(["status", "--frobnicate"], env)).code).toBe(1);
    const help = await runCli(["images", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: mly images");
    expect(help.stdout).toContain("Inherited options");
  });

  it("a server that is gone: exit 4", async () => {
    const dead = await startSandbox();
    const url = dead.url;
    await dead.close();
    const fresh = await mkdtemp(join(tmpdir(), "mly-cli-gone-"));
    const result = await runCli(["--config-dir", fresh, "mapiq", "token"], { ...env, MLY_SANDBOX_URL: url });
    await rm(fresh, { recursive: true, force: true });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/network|reach/i);
  });

  it("a corrupt profiles file: exit 5 with the fix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mly-cli-corrupt-"));
    await writeFile(join(dir, "profiles.json"), "{not json");
    const result = await runCli(["--config-dir", dir, "status"], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("Delete it and log in again");
    await rm(dir, { recursive: true, force: true });
  });
});

describe("--sandbox (embedded, per invocation)", () => {
  it("logs in through the loopback flow on its own and answers, leaving no config behind", async () => {
    const result = await runCli(["--sandbox", "me"], { NO_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("sandbox-user");
    expect(result.stderr).toContain("logging in as profile default through the loopback flow");
    expect(result.stderr).toContain("code=[hidden]");
  });
});

describe("mly demo", () => {
  // No speed check: the test timeout (generous, for a busy machine) only catches a hang.
  it("runs the whole story against its embedded sandbox and exits 0 with 0 × 429", async () => {
    const result = await runCli(["demo"], { NO_COLOR: "1" });
    expect(result.stderr).toContain("0 × 429, 0 × Graph throttle");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/token grants\s+authorization_code 1, refresh_token [1-9]\d*, client_credentials 1/);
    expect(result.stderr).toContain("✓ 600 images in 24 pages");
    expect(result.stderr).toContain("You can close this tab");
  }, 180_000);
});

describe("help and mistakes, like gh and git", () => {
  it("mly with no arguments: the help on stdout, exit 0", async () => {
    const result = await runCli([], { NO_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("Usage: mly [global options] <command>");
    expect(result.stdout).toContain("Global options");
    expect(result.stdout).toContain("Exit codes");
  });

  it("mly mapiq and mly mapiq --help: the group's help, exit 0", async () => {
    for (const args of [["mapiq"], ["mapiq", "--help"], ["help", "mapiq"]]) {
      const result = await runCli(args, { NO_COLOR: "1" });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Usage: mly mapiq <command>");
      expect(result.stdout).toMatch(/mapiq token\s+Get a Mapiq app token/);
      expect(result.stdout).toMatch(/mapiq get\s+GET a Mapiq API path/);
    }
  });

  it("each command's --help lists its own options and the inherited ones in two lines", async () => {
    for (const command of COMMANDS) {
      const result = await runCli([...command.name.split(" "), "--help"], { NO_COLOR: "1" });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: mly ${command.name}`);
      for (const option of Object.keys(command.options)) expect(result.stdout, `${command.name} --help`).toContain(`--${option}`);
      const inherited = result.stdout.slice(result.stdout.indexOf("Inherited options"));
      expect(inherited.trimEnd().split("\n")).toHaveLength(3);
      expect(result.stdout).not.toContain("Global options");
    }
    expect((await runCli(["me", "--help"], {})).stdout).toContain("--json");
    const token = await runCli(["token", "--help"], {});
    expect(token.stdout).toContain("Usage: mly token [--reveal]\n");
  });

  it("did you mean: a mistyped command, subcommand or option gets the closest one", async () => {
    const command = await runCli(["stauts"], { NO_COLOR: "1" });
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('Unknown command "stauts". Did you mean `mly status`?');
    const bogus = await runCli(["bogus"], { NO_COLOR: "1" });
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('Unknown command "bogus".');
    expect(bogus.stderr).toContain("mly --help");
    const sub = await runCli(["mapiq", "tokne"], { NO_COLOR: "1" });
    expect(sub.stderr).toContain("Did you mean `mly mapiq token`?");
    const option = await runCli(["me", "--jsno"], { NO_COLOR: "1" });
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("Unknown option '--jsno'. Did you mean --json?");
    const unrelated = await runCli(["me", "--bogus"], { NO_COLOR: "1" });
    expect(unrelated.code).toBe(1);
    expect(unrelated.stderr).toContain("Unknown option '--bogus'.");
    expect(unrelated.stderr).toContain("mly me --help");
  });

  it("colours: FORCE_COLOR forces them when piped (over NO_COLOR, as Node does); NO_COLOR, FORCE_COLOR=0 and --no-color turn them off", async () => {
    const red = "\u001b[31m";
    expect((await runCli(["bogus"], { FORCE_COLOR: "1" })).stderr).toContain(red);
    expect((await runCli(["bogus"], { FORCE_COLOR: "1", NO_COLOR: "1" })).stderr).toContain(red);
    expect((await runCli(["bogus"], {})).stderr).not.toContain(red);
    expect((await runCli(["bogus"], { NO_COLOR: "1" })).stderr).not.toContain(red);
    expect((await runCli(["bogus"], { FORCE_COLOR: "0" })).stderr).not.toContain(red);
    expect((await runCli(["bogus", "--no-color"], { FORCE_COLOR: "1" })).stderr).not.toContain(red);
  });
});
