// Type-checks every example: the ```ts blocks of JSDoc `@example`s in packages/*/src and of each
// package's README.md. Each block becomes a module under packages/<pkg>/.examples/ (so workspace
// imports resolve exactly as in the package's own tests) and one tsc run per package checks them
// with the repo's strict base config (user code may write `process.env.X`). Placeholders like
// `declare const x: T;` are fine; README blocks without an import are fragments and skipped.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const tsc = join(root, "node_modules", ".bin", "tsc");
const FENCE = /```(?:ts|typescript)\n([\s\S]*?)```/g;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.startsWith("_test")) yield path;
  }
}

/** The ```ts blocks that follow an `@example` tag in the JSDoc comments of `text`. */
function jsdocExamples(text) {
  const blocks = [];
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = comment[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n");
    for (const part of body.split(/^@example\b/m).slice(1)) {
      const section = part.split(/^@\w+/m)[0];
      for (const block of section.matchAll(FENCE)) blocks.push({ code: block[1], line: text.slice(0, comment.index).split("\n").length });
    }
  }
  return blocks;
}

let total = 0;
let skipped = 0;
let failedPackages = 0;
const packages = readdirSync(join(root, "packages")).filter((dir) => existsSync(join(root, "packages", dir, "package.json")));
for (const pkg of packages) {
  const dir = join(root, "packages", pkg);
  const out = join(dir, ".examples");
  rmSync(out, { recursive: true, force: true });
  const examples = [];
  if (existsSync(join(dir, "src"))) {
    for (const file of walk(join(dir, "src"))) {
      for (const block of jsdocExamples(readFileSync(file, "utf8"))) examples.push({ from: `${relative(root, file)}:${block.line}`, code: block.code });
    }
  }
  const readme = join(dir, "README.md");
  if (existsSync(readme)) {
    const text = readFileSync(readme, "utf8");
    for (const block of text.matchAll(FENCE)) {
      const from = `${relative(root, readme)}:${text.slice(0, block.index).split("\n").length}`;
      // A README block with no import continues an earlier one: a fragment, not a program.
      if (!/^import /m.test(block[1])) {
        skipped++;
        console.log(`  skip ${from}: a fragment (no import)`);
        continue;
      }
      examples.push({ from, code: block[1] });
    }
  }
  if (examples.length === 0) continue;
  mkdirSync(out, { recursive: true });
  const names = examples.map((example, i) => {
    const name = `example_${String(i).padStart(3, "0")}.ts`;
    writeFileSync(join(out, name), `// from ${example.from}\n${example.code}\nexport {};\n`);
    return name;
  });
  writeFileSync(
    join(out, "tsconfig.json"),
    JSON.stringify(
      {
        extends: "@mly/tsconfig/base.json",
        compilerOptions: { noEmit: true, types: ["node"], isolatedDeclarations: false, declaration: false, declarationMap: false, noPropertyAccessFromIndexSignature: false },
        files: names,
      },
      null,
      2,
    ),
  );
  total += examples.length;
  try {
    execFileSync(tsc, ["-p", join(out, "tsconfig.json"), "--pretty", "false"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    console.log(`ok ${pkg}: ${examples.length} example(s) type-check`);
    rmSync(out, { recursive: true, force: true });
  } catch (error) {
    failedPackages++;
    const lines = String(error.stdout ?? error.message)
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const match = /^(example_\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line.replace(/^\.examples\//, ""));
        if (match === null) return `  ${line}`;
        const example = examples[Number(match[1].slice(8, 11))];
        return `  ${example.from} (example line ${Number(match[2]) - 1}): ${match[4]}`;
      });
    console.error(`FAIL ${pkg}:\n${lines.join("\n")}\n  (generated files kept in ${relative(root, out)})`);
  }
}
console.log(`${packages.length - failedPackages} passed, ${failedPackages} failed (${total} examples type-checked, ${skipped} README fragments skipped)`);
process.exit(failedPackages === 0 ? 0 : 1);
