// The other runtimes of the matrix, from the npm registry, installed on first use.
//
// Node 24, Deno and Bun are not dependencies of the workspace: they weigh ~390 MB and only the
// runtime matrix (run.mjs) and the JSR check (`deno publish --dry-run`) run them. The first use
// installs the pinned npm packages with npm into `.runtimes/` (gitignored); later uses reuse them.
//
//   node tooling/runtime-tests/runtimes.mjs deno     installs Deno if needed, prints its path
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const runtimesDir = join(here, ".runtimes");
const INSTALL_TIMEOUT_MS = 300_000;

/** Each runtime: its pinned npm package and the executable inside it. */
export const RUNTIME_PACKAGES = {
  node24: { name: "node", version: "24.9.0", bin: ["node", "bin", "node"] },
  deno: { name: "deno", version: "2.9.6", bin: ["deno", "deno"] },
  bun: { name: "bun", version: "1.4.5", bin: ["bun", "bin", "bun.exe"] },
};

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(runtimesDir, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/** The path of a runtime's executable inside `.runtimes/` (installed or not). */
export function runtimeBin(id) {
  return join(runtimesDir, "node_modules", ...RUNTIME_PACKAGES[id].bin);
}

/**
 * Installs the pinned packages of the given runtime ids with npm unless they are there already.
 * Returns undefined on success, else a sentence saying what failed.
 */
export function ensureRuntimes(ids) {
  const missing = ids
    .filter((id) => id in RUNTIME_PACKAGES)
    .filter((id) => installedVersion(RUNTIME_PACKAGES[id].name) !== RUNTIME_PACKAGES[id].version || !existsSync(runtimeBin(id)))
    .map((id) => `${RUNTIME_PACKAGES[id].name}@${RUNTIME_PACKAGES[id].version}`);
  if (missing.length === 0) return undefined;
  console.error(`installing ${missing.join(", ")} into ${runtimesDir} (npm, first use only)…`);
  mkdirSync(runtimesDir, { recursive: true });
  const manifest = join(runtimesDir, "package.json");
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true, "description": "runtimes of the mly runtime matrix" }\n');
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", ...missing], {
    cwd: runtimesDir,
    stdio: ["ignore", process.stderr, process.stderr],
    timeout: INSTALL_TIMEOUT_MS,
  });
  return result.status === 0 ? undefined : `npm install ${missing.join(" ")} failed (exit ${result.status ?? result.error})`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ids = process.argv.slice(2);
  const unknown = ids.filter((id) => !(id in RUNTIME_PACKAGES));
  if (ids.length === 0 || unknown.length > 0) {
    console.error(`usage: node runtimes.mjs ${Object.keys(RUNTIME_PACKAGES).join("|")} …`);
    process.exit(2);
  }
  const problem = ensureRuntimes(ids);
  if (problem !== undefined) {
    console.error(problem);
    process.exit(1);
  }
  for (const id of ids) console.log(runtimeBin(id));
}
