// @ts-check
/**
 * `node --import ./src/_ts_loader.mjs --conditions=@mly/source src/bench.ts`: runs the bench and the
 * workspace's TypeScript sources directly (the `@mly/source` condition points every `@mly/*`
 * package at its `src/*.ts`, so no build is needed and the figures are those of the code in this
 * checkout). Each `.ts` file is transpiled on load with the `typescript` compiler (type erasure
 * only; `pnpm typecheck` covers the types). The same loader as `packages/ratelimit/bench/`.
 */
import { readFile } from "node:fs/promises";
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import ts from "typescript";

if (isMainThread) register(import.meta.url);

/** @type {import("typescript").CompilerOptions} */
const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
};

/**
 * @param {string} url
 * @param {{ format?: string | null }} context
 * @param {(url: string, context: unknown) => Promise<unknown>} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, "utf8"), { fileName, compilerOptions });
  return { format: "module", source: outputText, shortCircuit: true };
}
