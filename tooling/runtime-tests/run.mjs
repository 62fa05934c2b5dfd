// Runs the portable suite (suite/suite.mjs, on the BUILT packages) on every runtime: the machine's
// Node, Node 24 (npm `node`), Deno 2 (npm `deno`), Bun 1 (npm `bun`) and Chromium (Debian's, via
// playwright-core). For each runtime a fresh sandbox is started here, in this Node process, and its
// URLs and demo credentials are passed to the child as JSON in MLY_RUNTIME_CONFIG (or to the page).
// A missing runtime FAILS when CI is set and is skipped loudly otherwise.
//
// Node 24, Deno and Bun are not dependencies of the workspace (they weigh ~390 MB and only this
// matrix runs them): the first run installs them with npm into `.runtimes/` (gitignored), pinned
// in runtimes.mjs, and later runs reuse them.
//
//   node run.mjs                 all runtimes
//   node run.mjs deno bun        some of them (node20 node24 deno bun chromium)
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { createServer } from "node:http";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox } from "@mly/sandbox";
import { build } from "esbuild";
import { ensureRuntimes, runtimeBin } from "./runtimes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const CI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" && process.env.CI !== "0";
const TIMEOUT_MS = 180_000;

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The machine's node: the first `node` on PATH outside any node_modules (npm `node` shadows it in scripts). */
function systemNode() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (executable(candidate)) return candidate;
  }
  return process.env.npm_node_execpath;
}

const suiteMain = join(here, "suite", "main.mjs");

/** @type {{ id: string, label: string, bin: string | undefined, args: string[], expectMajor?: number, kind: "process" | "browser" }[]} */
const runtimes = [
  { id: "node20", label: "Node 20 (machine)", bin: systemNode(), args: [suiteMain], expectMajor: 20, kind: "process" },
  { id: "node24", label: "Node 24 (npm node)", bin: runtimeBin("node24"), args: [suiteMain], expectMajor: 24, kind: "process" },
  {
    id: "deno",
    label: "Deno 2 (npm deno)",
    bin: runtimeBin("deno"),
    args: ["run", "--quiet", "--no-lock", "--allow-net=127.0.0.1", "--allow-env=MLY_RUNTIME_CONFIG", "--allow-read", suiteMain],
    expectMajor: 2,
    kind: "process",
  },
  { id: "bun", label: "Bun 1 (npm bun)", bin: runtimeBin("bun"), args: ["run", suiteMain], expectMajor: 1, kind: "process" },
  { id: "chromium", label: "Chromium (Debian, playwright-core)", bin: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: [], kind: "browser" },
];

function capture(bin, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (error) => resolve({ code: -1, out: String(error) }));
    child.on("close", (code) => resolve({ code, out }));
  });
}

async function versionOf(runtime) {
  const { code, out } = await capture(runtime.bin, ["--version"]);
  if (code !== 0) throw new Error(`${runtime.bin} --version failed: ${out.trim()}`);
  return out.trim().split("\n")[0];
}

/** A loopback server: the OAuth callback page (CORS-open, as a redirect target of fetch) and, for the browser, the page and its bundle. */
async function startHelper(bundle) {
  let pageConfig = "null";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") {
      res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*" }).end("signed in");
    } else if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
    } else if (url.pathname === "/" && bundle !== undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><meta charset="utf-8"><title>mly runtime tests</title><script>window.__MLY_CONFIG = ${pageConfig};</script><script type="module" src="/suite.js"></script>`);
    } else if (url.pathname === "/suite.js" && bundle !== undefined) {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(bundle);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    base: `http://127.0.0.1:${address.port}`,
    setConfig(config) {
      pageConfig = JSON.stringify(config).replaceAll("<", "\\u003c");
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function withWorld(helper, fn) {
  const sandbox = await startSandbox({ autoApprove: true });
  try {
    const config = { endpoints: sandbox.endpoints, credentials: sandbox.credentials, callbackBase: helper.base };
    helper.setConfig(config);
    return await fn(config);
  } finally {
    await sandbox.close();
  }
}

function summarize(lines) {
  const last = [...lines].reverse().find((line) => /^\d+ passed, \d+ failed$/.test(line));
  if (last === undefined) return undefined;
  const [passed, failed] = last.match(/\d+/g).map(Number);
  return { passed, failed };
}

async function runProcess(runtime, helper) {
  return withWorld(helper, async (config) => {
    const env = { ...process.env, MLY_RUNTIME_CONFIG: JSON.stringify(config), NO_COLOR: "1" };
    const child = capture(runtime.bin, runtime.args, { cwd: here, env, timeout: TIMEOUT_MS });
    const { code, out } = await child;
    const lines = out.split("\n").filter((line) => line !== "");
    for (const line of lines) console.log(`  ${line}`);
    const counts = summarize(lines);
    if (counts === undefined) return { passed: 0, failed: 1, note: `exited ${code} without a summary` };
    if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exited ${code}` };
    return counts;
  });
}

async function bundleForBrowser() {
  const result = await build({
    entryPoints: [join(here, "suite", "browser.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0].text;
}

async function runBrowser(runtime) {
  const { chromium } = await import("playwright-core");
  const helper = await startHelper(await bundleForBrowser());
  const browser = await chromium.launch({
    executablePath: runtime.bin,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const version = `chromium ${browser.version()}`;
    console.log(`  (${version})`);
    return await withWorld(helper, async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on("console", (message) => console.log(`  ${message.text()}`));
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${helper.base}/`);
      try {
        await page.waitForFunction(() => globalThis.__MLY_DONE !== undefined, undefined, { timeout: TIMEOUT_MS });
      } catch (error) {
        return { passed: 0, failed: 1, note: `page did not finish: ${errors.join("; ") || String(error)}` };
      }
      const done = await page.evaluate(() => globalThis.__MLY_DONE);
      return { version, passed: done.passed, failed: done.failed + errors.length, note: errors.length > 0 ? errors.join("; ") : undefined };
    });
  } finally {
    await browser.close();
    await helper.close();
  }
}

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? runtimes : runtimes.filter((r) => wanted.includes(r.id));
if (selected.length === 0) throw new Error(`unknown runtime(s) ${wanted.join(" ")}; known: ${runtimes.map((r) => r.id).join(" ")}`);

const installProblem = ensureRuntimes(selected.map((r) => r.id));
if (installProblem !== undefined) console.log(`! ${installProblem}`);

const results = [];
const helper = await startHelper(undefined);
try {
  for (const runtime of selected) {
    if (runtime.bin === undefined || !existsSync(runtime.bin)) {
      const why = `${runtime.label}: binary not found (${runtime.bin ?? "no path"})`;
      console.log(`\n== ${runtime.label}: ${CI ? "MISSING (fails in CI)" : "SKIPPED"} — ${why}`);
      results.push({ runtime, version: "-", status: CI ? "MISSING" : "SKIPPED", passed: 0, failed: CI ? 1 : 0 });
      continue;
    }
    let version = "?";
    try {
      version = runtime.kind === "browser" ? "chromium" : await versionOf(runtime);
      const major = Number(/(\d+)\./.exec(version)?.[1]);
      if (runtime.expectMajor !== undefined && major !== runtime.expectMajor) {
        throw new Error(`expected major version ${runtime.expectMajor}, found ${version}`);
      }
      console.log(`\n== ${runtime.label}: ${version}`);
      const started = Date.now();
      const counts = runtime.kind === "browser" ? await runBrowser(runtime) : await runProcess(runtime, helper);
      if (counts.version !== undefined) version = counts.version;
      const ms = Date.now() - started;
      if (counts.note !== undefined) console.log(`  ! ${counts.note}`);
      results.push({ runtime, version, status: counts.failed === 0 && counts.passed > 0 ? "PASS" : "FAIL", ms, ...counts });
    } catch (error) {
      console.log(`  ! ${runtime.label}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      results.push({ runtime, version, status: "FAIL", passed: 0, failed: 1 });
    }
  }
} finally {
  await helper.close();
}

console.log("\nruntime matrix (@mly/auth-core, @mly/fetch, @mly/ratelimit on the built dist, against the sandbox):");
for (const r of results) {
  const time = r.ms === undefined ? "" : ` in ${(r.ms / 1000).toFixed(1)} s`;
  console.log(`  ${r.status.padEnd(8)} ${r.runtime.label.padEnd(36)} ${r.version.slice(0, 30).padEnd(30)} ${r.passed} passed, ${r.failed} failed${time}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.filter((r) => r.status === "SKIPPED").length;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 ? 0 : 1);
