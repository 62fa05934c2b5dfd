// Packs every publishable workspace package with pnpm (workspace: ranges become real versions,
// as on publish), then runs publint and @arethetypeswrong/cli on the tarball, checks
// `sideEffects: false` and that no test file (`*.test.*`, `_test_*`) ships, and finally
// installs each tarball ALONE (plus the tarballs of the @mly packages it depends on) with npm into a fresh project outside the workspace and runs a small
// consumer script there that imports only that package (every export entry) on this Node;
// its non-@mly peer dependencies are installed from the registry alongside. The packed
// package.json must not name the development-only `@mly/source` export condition (stripped through
// `publishConfig.exports`, which must equal `exports` without it), and every internal dependency
// uses `workspace:^` in the repository and a caret range in the tarball (one range everywhere, so
// npm never installs two copies of @mly/auth-core).
// Any problem fails.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const pnpm = process.env.npm_execpath ?? "pnpm";
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
const bin = (name) => join(root, "node_modules", ".bin", name);

const packages = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true;
    } catch {
      return false;
    }
  });

/** The tarballs of `name` and of every @mly package it depends on at run time, transitively. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  const entry = tarballs.get(name);
  if (entry === undefined) throw new Error(`no tarball for ${name}`);
  seen.add(name);
  for (const dep of Object.keys({ ...entry.manifest.dependencies, ...entry.manifest.peerDependencies })) {
    if (dep.startsWith("@mly/")) closure(dep, seen);
  }
  return seen;
}

/** A fresh ESM project outside the workspace: npm install the tarballs, import every entry. */
function consume(name, manifest) {
  const project = mkdtempSync(join(tmpdir(), "mly-consumer-"));
  try {
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
    const files = [...closure(name)].map((dep) => tarballs.get(dep).path);
    // Peer dependencies (e.g. vitest for a conformance entry) come from the registry, as for a user.
    const peers = Object.entries(manifest.peerDependencies ?? {})
      .filter(([dep]) => !dep.startsWith("@mly/"))
      .map(([dep, range]) => `${dep}@${range}`);
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...files, ...peers], project);
    const entries = Object.keys(manifest.exports ?? { ".": null })
      .filter((key) => key !== "./package.json")
      .map((key) => (key === "." ? name : `${name}/${key.slice(2)}`));
    const smoke = SMOKE[name] ?? "";
    writeFileSync(
      join(project, "consumer.mjs"),
      `// Imports only ${name}, as a user would.\n` +
        entries.map((entry, i) => `import * as m${i} from ${JSON.stringify(entry)};`).join("\n") +
        `\nconst entries = { ${entries.map((entry, i) => `${JSON.stringify(entry)}: m${i}`).join(", ")} };\n` +
        `for (const [entry, mod] of Object.entries(entries)) {\n` +
        `  if (Object.keys(mod).length === 0) throw new Error(entry + " exports nothing");\n` +
        `}\n${smoke}\nconsole.log("consumer ok: " + Object.keys(entries).join(", "));\n`,
    );
    process.stdout.write(run(process.execPath, ["consumer.mjs"], project));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** A real call per package, beyond "it imports" (m0 is the package's main entry). */
const SMOKE = {
  "@mly/auth-core": `
const challenge = await m0.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
if (challenge !== "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") throw new Error("PKCE vector: " + challenge);`,
  "@mly/fetch": `
const transport = m0.createKyTransport();
if (typeof transport.send !== "function") throw new Error("createKyTransport() has no send");`,
  "@mly/ratelimit": `
const limiter = m0.createRateLimiter({ limit: 10, windowMs: 1000 });
const permit = await limiter.acquire("GET /x");
await permit.settle({ status: 200 });`,
  "@mly/otel": `
const added = [];
const meter = { createCounter: (name) => ({ add: (n, attributes) => added.push([name, n, attributes]) }), createHistogram: (name) => ({ record: (n, attributes) => added.push([name, n, attributes]) }) };
m0.createOtelListener({ meter })({ type: "limiter.pause", key: "mapillary:graph", durationMs: 1000 });
if (JSON.stringify(added) !== JSON.stringify([["mly.limiter.pause.count", 1, { "mly.rate_limit.key": "mapillary:graph" }]])) throw new Error("createOtelListener recorded " + JSON.stringify(added));`,
  "@mly/redis-script": `
const sha = await new m0.RedisScript("return 1").sha();
if (sha !== "e0e1f9fabfc9d4800c877a703b823ac0578ff8db") throw new Error("RedisScript SHA-1: " + sha);
const sent = [];
const script = new m0.RedisScript("return 1");
const commander = m0.toRedisCommander({ call: (...args) => (sent.push(args), Promise.resolve(1)) });
const replies = [await script.run(commander, [], []), await script.run(commander, [], [])];
if (replies.join() !== "1,1" || sent.length !== 2 || sent.some((args) => args[0] !== "EVALSHA" || args[1] !== sha)) throw new Error("RedisScript.run sent " + JSON.stringify(sent));`,
  "@mly/sandbox": `
const sandbox = await m0.startSandbox();
const res = await fetch(sandbox.endpoints.mapillary.apiBaseUrl + "/me");
await res.arrayBuffer();
await sandbox.close();
if (res.status !== 401) throw new Error("unauthenticated /me answered " + res.status);`,
};

/**
 * The packed manifest: no `@mly/source` condition in its exports (development scripts may still
 * pass it to node), exports as in the repository minus it, caret ranges for @mly deps.
 */
function checkPublishedManifest(name, source, packedText) {
  const packed = JSON.parse(packedText);
  if (JSON.stringify(packed.exports ?? {}).includes("@mly/source")) throw new Error(`${name}: the packed package.json still names the "@mly/source" condition (set publishConfig.exports)`);
  const expected = Object.fromEntries(
    Object.entries(source.exports).map(([key, value]) => [key, typeof value === "string" ? value : Object.fromEntries(Object.entries(value).filter(([condition]) => condition !== "@mly/source"))]),
  );
  if (JSON.stringify(packed.exports) !== JSON.stringify(expected)) {
    throw new Error(`${name}: publishConfig.exports must equal exports without "@mly/source"; packed ${JSON.stringify(packed.exports)}, expected ${JSON.stringify(expected)}`);
  }
  for (const section of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(source[section] ?? {})) {
      if (!dep.startsWith("@mly/")) continue;
      if (range !== "workspace:^") throw new Error(`${name}: ${section}.${dep} is ${JSON.stringify(range)}; internal dependencies use "workspace:^" everywhere`);
      if (!/^\^\d+\.\d+\.\d+/.test(packed[section]?.[dep] ?? "")) throw new Error(`${name}: packed ${section}.${dep} is ${JSON.stringify(packed[section]?.[dep])}, not a caret range`);
    }
  }
}

const out = mkdtempSync(join(tmpdir(), "mly-pack-"));
let failed = 0;
/** @type {Map<string, { path: string, dir: string, manifest: any }>} */
const tarballs = new Map();
try {
  for (const dir of packages) {
    const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
    const before = new Set(readdirSync(out));
    run(process.execPath, [pnpm, "pack", "--pack-destination", out], dir);
    const tarball = readdirSync(out).find((file) => !before.has(file));
    if (tarball === undefined) throw new Error(`pnpm pack produced nothing for ${name}`);
    const path = join(out, tarball);
    tarballs.set(name, { path, dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) });
    try {
      checkPublishedManifest(name, tarballs.get(name).manifest, run("tar", ["-xzOf", path, "package/package.json"], root));
      if (tarballs.get(name).manifest.sideEffects !== false) throw new Error(`${name}: package.json needs "sideEffects": false`);
      const testFiles = run("tar", ["-tzf", path], root).split("\n").filter((file) => /(^|\/)(_test_[^/]*|[^/]*\.test\.[^/]*)$/.test(file));
      if (testFiles.length > 0) throw new Error(`${name}: the tarball ships test code (${testFiles.join(", ")}); exclude it in package.json "files"`);
      process.stdout.write(run(bin("publint"), ["run", path, "--strict"], root));
      process.stdout.write(run(bin("attw"), [path, "--profile", "esm-only", "--format", "table-flipped"], root));
      console.log(`ok ${name}`);
    } catch (error) {
      failed++;
      console.error(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const [name, { manifest }] of tarballs) {
    try {
      consume(name, manifest);
      console.log(`ok ${name}: installed alone from its tarball and imported by a consumer`);
    } catch (error) {
      failed++;
      console.error(`FAIL ${name} (consumer): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`${packages.length * 2 - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
