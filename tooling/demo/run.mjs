// The Quick start demo from a fresh clone, in one command (`npx -y pnpm@10.34.8 demo`):
//   1. installs only what the demo runs: this package's dependencies (esbuild, and the runtime
//      dependencies of the packages the CLI uses: ky, and the sandbox's vector-tile encoder) from
//      its own lockfile, outside the workspace: not the test tooling, browsers or other runtimes;
//   2. bundles the mly CLI from its TypeScript sources with esbuild (no type-checking: that is
//      `pnpm typecheck`'s job), resolving `@mly/*` imports to the workspace packages' sources
//      through their `@mly/source` export condition;
//   3. runs `mly demo` with any arguments given after the command.
// Each step prints what it does, so a slow machine shows progress instead of silence.
import { spawnSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const bundlePath = join(here, "dist", "mly.mjs");
const started = performance.now();

function step(text) {
  process.stdout.write(`\u25b8 ${text}\n`);
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function installDemoDependencies() {
  // npm_execpath is the pnpm that runs this script (pnpm sets it for every script it runs).
  const pnpm = process.env.npm_execpath;
  if (pnpm === undefined || pnpm === "") {
    throw new Error("Run this through pnpm: npx -y pnpm@10.34.8 demo");
  }
  step("installing what the demo runs (esbuild, ky, the sandbox's tile encoder; not the tests or other runtimes)");
  const since = performance.now();
  const command = pnpm.endsWith(".js") || pnpm.endsWith(".cjs") ? process.execPath : pnpm;
  const args = command === process.execPath ? [pnpm] : [];
  // Outside the workspace (pnpm-workspace.yaml excludes this folder), with its own lockfile.
  args.push("install", "--dir", here, "--ignore-workspace", "--frozen-lockfile", "--reporter=append-only");
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`pnpm install in tooling/demo failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
  step(`installed in ${seconds(since)}`);
}

/** `@mly/<name>` → the directory of that workspace package, read from packages/* and apps/*. */
function workspacePackages() {
  const found = new Map();
  for (const group of ["packages", "apps"]) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, group, entry.name);
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        found.set(manifest.name, { dir, exports: manifest.exports ?? {} });
      } catch {
        // not a package
      }
    }
  }
  return found;
}

/** An esbuild plugin resolving `@mly/x` and `@mly/x/sub` to the `@mly/source` file of that export. */
function workspaceSources() {
  const packages = workspacePackages();
  return {
    name: "mly-workspace-sources",
    setup(build) {
      build.onResolve({ filter: /^@mly\// }, (args) => {
        const [scope, name, ...rest] = args.path.split("/");
        const pkg = packages.get(`${scope}/${name}`);
        if (pkg === undefined) return undefined;
        const subpath = rest.length === 0 ? "." : `./${rest.join("/")}`;
        const target = pkg.exports[subpath]?.["@mly/source"];
        if (typeof target !== "string") {
          return { errors: [{ text: `${args.path}: no "@mly/source" export for ${subpath} in ${pkg.dir}/package.json` }] };
        }
        return { path: join(pkg.dir, target) };
      });
    },
  };
}

async function bundleCli() {
  step("bundling the mly CLI from its TypeScript sources (esbuild)");
  const since = performance.now();
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(root, "apps", "cli", "src", "main.ts")],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // `@mly/*` resolve to workspace sources; npm packages (ky, …) are not installed beside their
    // importers (the demo installs only this package), so they resolve from its node_modules.
    // The packages' tsconfig files extend configs that are not installed: compile without them.
    plugins: [workspaceSources()],
    nodePaths: [join(here, "node_modules")],
    tsconfigRaw: {},
    logLevel: "warning",
  });
  step(`bundled in ${seconds(since)}`);
}

installDemoDependencies();
await bundleCli();
step(`running mly demo (setup took ${seconds(started)})\n`);
const child = spawn(process.execPath, [bundlePath, "demo", ...process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"))], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
