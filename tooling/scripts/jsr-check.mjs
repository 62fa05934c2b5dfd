// JSR readiness of every package in the root deno.json workspace: its jsr.json mirrors the npm
// package (name, version, exports = the "@mly/source" entries of package.json, an `imports` entry
// for every runtime dependency), and `deno publish --dry-run` passes (type check, slow types,
// files) with the npm `deno` binary (installed on first use by tooling/runtime-tests/runtimes.mjs). The workspace lets `jsr:@mly/auth-core@^0.1.0` resolve to the
// local package, as it will on JSR. Any problem fails.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureRuntimes, runtimeBin } from "../runtime-tests/runtimes.mjs";

const root = new URL("../..", import.meta.url).pathname;
const deno = runtimeBin("deno");
const installProblem = ensureRuntimes(["deno"]);
if (installProblem !== undefined || !existsSync(deno)) {
  console.error(`FAIL: no deno at ${deno}: ${installProblem ?? "missing after install"}`);
  process.exit(1);
}
const read = (path) => JSON.parse(readFileSync(path, "utf8"));
const members = read(join(root, "deno.json")).workspace;
// A failing Deno may "migrate" pnpm-workspace.yaml into the root package.json: undo that.
const rootManifest = join(root, "package.json");
const rootManifestText = readFileSync(rootManifest, "utf8");
process.on("exit", () => {
  if (readFileSync(rootManifest, "utf8") !== rootManifestText) writeFileSync(rootManifest, rootManifestText);
});

let failed = 0;
for (const member of members) {
  const dir = join(root, member);
  const pkg = read(join(dir, "package.json"));
  const jsr = read(join(dir, "jsr.json"));
  const problems = [];
  if (jsr.name !== pkg.name) problems.push(`name ${jsr.name} ≠ ${pkg.name}`);
  if (jsr.version !== pkg.version) problems.push(`version ${jsr.version} ≠ ${pkg.version}`);
  if (jsr.license !== pkg.license) problems.push(`license ${jsr.license} ≠ ${pkg.license}`);
  const npmExports = Object.fromEntries(
    Object.entries(pkg.exports)
      .filter(([key]) => key !== "./package.json")
      .map(([key, value]) => [key, value["@mly/source"]]),
  );
  if (JSON.stringify(npmExports) !== JSON.stringify(jsr.exports)) {
    problems.push(`exports ${JSON.stringify(jsr.exports)} ≠ package.json's ${JSON.stringify(npmExports)}`);
  }
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    const mapped = jsr.imports?.[dep];
    const want = range.startsWith("workspace:") ? `jsr:${dep}@^${read(join(dir, "node_modules", dep, "package.json")).version}` : `npm:${dep}@${range}`;
    if (mapped !== want && !(range.startsWith("workspace:") && mapped?.startsWith(`jsr:${dep}@`))) {
      problems.push(`imports["${dep}"] is ${mapped ?? "missing"}, want ${want}`);
    }
  }
  try {
    execFileSync(deno, ["publish", "--dry-run", "--allow-dirty", "--quiet"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    });
  } catch (error) {
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`
      .split("\n")
      .filter((line) => !line.startsWith("Download") && !/^\s+at /.test(line))
      .join("\n");
    problems.push(`deno publish --dry-run failed:\n${output}`);
  }
  if (problems.length === 0) {
    console.log(`ok ${pkg.name} (jsr.json mirrors package.json; deno publish --dry-run passes)`);
  } else {
    failed++;
    console.error(`FAIL ${pkg.name}:\n  ${problems.join("\n  ")}`);
  }
}
console.log(`${members.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
