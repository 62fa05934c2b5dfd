// @ts-check
/**
 * `node --import <root>/tooling/scripts/ts-loader.mjs --conditions=@mly/source script.ts`: runs the
 * workspace's TypeScript sources directly, as vitest does (the `@mly/source` condition points every
 * `@mly/*` package at its `src/*.ts`): the benches, and the child processes of some tests. Each `.ts` file
 * is transpiled on load with the `typescript` compiler (type erasure only, no type check: the
 * package's `typecheck` covers that). Registers itself on the main thread; Node runs the hooks
 * below on its loader thread.
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
