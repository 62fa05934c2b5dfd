// Bundles the code-flow exports of @mly/auth-core the way an app would (esbuild, minified, ESM,
// browser platform), gzips the result and prints it beside issue 13's target, then the same with
// the stored-token format; the bytes per module under --verbose. CI enforces the sizes through
// size-limit (.size-limit.cjs at the repository root, on the same exports); this bench only reports.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const TARGET_KB = 6.0;
const flow = "buildAuthorizationUrl, validateCallback, buildCodeExchange, buildRefresh, processTokenResponse, isUsable, needsRefresh, mapillary";
const storage = "serializeTokenSet, parseTokenSet, tokenSetToJSON, tokenSetFromJSON";
const entries = [
  { name: "code flow (authorization URL, callback, code exchange, refresh, token response, token model, Mapillary profile)", exports: flow, target: TARGET_KB },
  { name: "code flow + the stored-token format", exports: `${flow}, ${storage}`, target: undefined },
];

for (const { name, exports, target } of entries) {
  const result = await build({
    stdin: { contents: `export { ${exports} } from "./src/mod.ts";`, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: process.argv.includes("--verbose"),
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  const kb = gzipped / 1024;
  const versus = target === undefined ? "" : ` (target ${target} KB: ${(kb / target).toFixed(2)}×)`;
  console.log(`auth-core ${name}: ${kb.toFixed(2)} KB min+gzip${versus}`);
  console.log(`  (${(code.length / 1024).toFixed(2)} KB minified, ${gzipped} bytes gzipped)`);
  if (result.metafile) {
    const inputs = Object.entries(result.metafile.outputs)[0][1].inputs;
    for (const [file, { bytesInOutput }] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
      console.log(`  ${String(bytesInOutput).padStart(6)}  ${file}`);
    }
  }
}
