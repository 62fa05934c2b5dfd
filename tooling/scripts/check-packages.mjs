// Packs every publishable workspace package with pnpm (workspace: ranges become real versions,
// as on publish), then runs publint and @arethetypeswrong/cli on the tarball. Any problem fails.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

const out = mkdtempSync(join(tmpdir(), "mly-pack-"));
let failed = 0;
try {
  for (const dir of packages) {
    const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
    const before = new Set(readdirSync(out));
    run(process.execPath, [pnpm, "pack", "--pack-destination", out], dir);
    const tarball = readdirSync(out).find((file) => !before.has(file));
    if (tarball === undefined) throw new Error(`pnpm pack produced nothing for ${name}`);
    const path = join(out, tarball);
    try {
      process.stdout.write(run(bin("publint"), ["run", path, "--strict"], root));
      process.stdout.write(run(bin("attw"), [path, "--profile", "esm-only", "--format", "table-flipped"], root));
      console.log(`ok ${name}`);
    } catch (error) {
      failed++;
      console.error(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`${packages.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
