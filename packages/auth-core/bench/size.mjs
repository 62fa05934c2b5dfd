// Bundles the code-flow + refresh + token-model exports of @mly/auth-core the way an app would
// (esbuild, minified, ESM, browser platform), gzips the result and prints it beside issue 13's
// target, with the bytes per module under --verbose. CI enforces the size through size-limit
// (.size-limit.cjs at the repository root, a ratchet on the same exports); this bench only reports.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const TARGET_KB = 6.0;
const entry = `
export {
  buildAuthorizationUrl, validateCallback, buildCodeExchange, buildRefresh, processTokenResponse,
  isUsable, needsRefresh, serializeTokenSet, parseTokenSet, tokenSetToJSON, tokenSetFromJSON, mapillary,
} from "./src/mod.ts";
`;

const result = await build({
  stdin: { contents: entry, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "ts", sourcefile: "entry.ts" },
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
console.log(`auth-core code flow + refresh: ${kb.toFixed(2)} KB min+gzip (target ${TARGET_KB} KB: ${(kb / TARGET_KB).toFixed(2)}×)`);
console.log(`  (${(code.length / 1024).toFixed(2)} KB minified, ${gzipped} bytes gzipped)`);
if (result.metafile) {
  const inputs = Object.entries(result.metafile.outputs)[0][1].inputs;
  for (const [file, { bytesInOutput }] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    console.log(`  ${String(bytesInOutput).padStart(6)}  ${file}`);
  }
}
