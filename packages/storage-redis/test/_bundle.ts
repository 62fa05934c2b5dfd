import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

/** Bundles a child-process entry (TypeScript, workspace sources) into one .mjs that `node` runs as is. */
export async function bundleChild(entry: string, packageDir: string, external: string[] = []): Promise<string> {
  const outdir = join(packageDir, ".test-build");
  await mkdir(outdir, { recursive: true });
  const name = entry.replace(/^.*\//, "").replace(/\.ts$/, "");
  const outfile = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@mly/source"],
    external,
    logLevel: "error",
  });
  return outfile;
}
