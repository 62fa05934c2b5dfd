// Runs every shell block (```sh, ```bash, ```shell, ```console) of the root README, the app
// READMEs and the package READMEs exactly as written, in order, in a fresh clone of the
// repository (HEAD: commit first), each with a time limit; a non-zero exit fails the check.
//
// A block runs with `bash -e -o pipefail` in the clone's root. In a ```console block only the
// lines starting with `$ ` (and their `\` continuation lines) run; the rest is output.
//
// An HTML comment right before a block (blank lines between are fine) changes how it runs:
//   <!-- readme-check: skip (why: needs credentials) -->   not run; the reason is required
//   <!-- readme-check: server until="listening on" -->      a command that does not end (a
//       server): it passes once TEXT appears in its output, and fails if it exits first or TEXT
//       does not appear within the time limit; then its whole process group is stopped
//   <!-- readme-check: server alive=20s -->                 passes when still running after 20 s
//   <!-- readme-check: timeout=1200s cwd=apps/web -->       another time limit (default 900 s)
//                                                           or directory (relative to the root)
//
// Each block's output streams to stdout (lines prefixed with "     | ").
//
// Usage: node tooling/scripts/check-readme-commands.mjs [--list] [--here] [--keep] [FILE…]
//   --list  print the blocks and how each would run, run nothing
//   --here  run in this checkout instead of a fresh clone (quicker while editing a README)
//   --keep  keep the clone (its path is printed)
//   FILE…   only these READMEs (paths relative to the root)
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((arg) => arg.startsWith("--")));
const only = argv.filter((arg) => !arg.startsWith("--"));
for (const flag of flags) {
  if (!["--list", "--here", "--keep"].includes(flag)) {
    console.error(`unknown flag ${flag}; usage: check-readme-commands.mjs [--list] [--here] [--keep] [FILE…]`);
    process.exit(2);
  }
}

const DEFAULT_TIMEOUT_S = 900;
const DEFAULT_ALIVE_S = 20;
const LANGUAGES = new Set(["sh", "bash", "shell", "console"]);

/** The READMEs, root first, then apps, then packages. */
function readmes() {
  const list = ["README.md"];
  for (const dir of ["apps", "packages"]) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (existsSync(join(root, dir, name, "README.md"))) list.push(`${dir}/${name}/README.md`);
    }
  }
  return only.length === 0 ? list : list.filter((file) => only.includes(file));
}

/** The options of a `<!-- readme-check: … -->` marker. */
function parseMarker(text, where) {
  const body = text.trim();
  const skip = /^skip\s*\((.+)\)$/s.exec(body);
  if (skip !== null) return { skip: skip[1].trim() };
  if (body.startsWith("skip")) throw new Error(`${where}: "skip" needs a reason: <!-- readme-check: skip (why) -->`);
  const options = { timeoutS: DEFAULT_TIMEOUT_S };
  const words = body.match(/\w+="[^"]*"|\S+/g) ?? [];
  for (const word of words) {
    const [key, raw] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    const value = raw?.replace(/^"|"$/g, "");
    if (key === "server" && value === undefined) options.server = true;
    else if (key === "until" && value) options.until = value;
    else if ((key === "alive" || key === "timeout") && value && /^\d+s$/.test(value)) options[`${key}S`] = Number(value.slice(0, -1));
    else if (key === "cwd" && value) options.cwd = value;
    else throw new Error(`${where}: cannot read ${JSON.stringify(word)} in <!-- readme-check: ${body} -->`);
  }
  if ((options.until !== undefined || options.aliveS !== undefined) && options.server !== true) {
    throw new Error(`${where}: until= and alive= are for "server" blocks`);
  }
  if (options.server === true && options.until === undefined && options.aliveS === undefined) options.aliveS = DEFAULT_ALIVE_S;
  return options;
}

/** The shell blocks of one README, with their line, script and options. */
function blocks(file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found = [];
  let marker;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const comment = /^\s*<!--\s*readme-check:(.*?)-->\s*$/.exec(line);
    if (comment !== null) {
      marker = { text: comment[1], line: i + 1 };
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence === null) {
      if (line.trim() !== "") marker = undefined;
      continue;
    }
    const close = fence[2];
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trimStart().startsWith(close); j++) body.push(lines[j]);
    if (LANGUAGES.has(fence[3])) {
      const where = `${file}:${i + 1}`;
      const options = marker === undefined ? { timeoutS: DEFAULT_TIMEOUT_S } : parseMarker(marker.text, `${file}:${marker.line}`);
      found.push({ file, line: i + 1, where, script: fence[3] === "console" ? consoleCommands(body) : body.join("\n"), options });
    }
    marker = undefined;
    i = j;
  }
  return found;
}

/** The commands of a ```console block: `$ ` lines and their continuation lines. */
function consoleCommands(body) {
  const commands = [];
  let continued = false;
  for (const line of body) {
    if (continued || line.startsWith("$ ")) {
      commands.push(continued ? line : line.slice(2));
      continued = line.endsWith("\\");
    }
  }
  return commands.join("\n");
}

/** The environment of a block: this one, without credentials or mly settings of the developer. */
function blockEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(MAPILLARY_|MAPIQ_|MLY_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * Runs one block; resolves with { ok, detail, output } once its whole process group is gone
 * (SIGTERM, then SIGKILL after 5 s for what is left), so no server outlives the check.
 */
function runBlock(block, cwd) {
  const { options } = block;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", block.script], {
      cwd: options.cwd === undefined ? cwd : join(cwd, options.cwd),
      env: blockEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so a server and its children can be stopped together
    });
    let output = "";
    let settled = false;
    let closed = false;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const finish = (ok, detail) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      const done = () => {
        clearTimeout(hard);
        signalGroup("SIGKILL"); // whatever the block left running in the background
        resolve({ ok, detail, output });
      };
      signalGroup("SIGTERM");
      const hard = setTimeout(() => signalGroup("SIGKILL"), 5000);
      if (closed) done();
      else child.once("close", done);
    };
    const onData = (chunk) => {
      output += chunk;
      if (!settled) process.stdout.write(chunk.replace(/^(?=.)/gm, "     | "));
      if (options.until !== undefined && output.includes(options.until)) finish(true, `printed ${JSON.stringify(options.until)}`);
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    const limitS = options.aliveS ?? options.timeoutS;
    const limit = setTimeout(() => {
      if (options.aliveS !== undefined) finish(true, `still running after ${options.aliveS} s`);
      else finish(false, options.until === undefined ? `no exit within ${limitS} s` : `${JSON.stringify(options.until)} not printed within ${limitS} s`);
    }, limitS * 1000);
    child.on("close", (code, signal) => {
      closed = true;
      if (options.server === true && options.until !== undefined) finish(false, `exited (${code ?? signal}) before printing ${JSON.stringify(options.until)}`);
      else finish(code === 0, code === 0 ? "exit 0" : `exit ${code ?? signal}`);
    });
  });
}

function describe(block) {
  const o = block.options;
  if (o.skip !== undefined) return `skip (${o.skip})`;
  const how = o.server === true ? (o.until !== undefined ? `server until ${JSON.stringify(o.until)}, limit ${o.timeoutS} s` : `server, passes alive after ${o.aliveS} s`) : `limit ${o.timeoutS} s`;
  return o.cwd === undefined ? how : `${how}, in ${o.cwd}`;
}

const all = readmes().flatMap(blocks);
if (flags.has("--list")) {
  for (const block of all) console.log(`${block.where}  ${describe(block)}\n${block.script.replace(/^/gm, "    ")}`);
  process.exit(0);
}

let dir = root;
if (!flags.has("--here")) {
  if (execFileSync("git", ["status", "--porcelain", "--", ...readmes()], { cwd: root, encoding: "utf8" }).trim() !== "") {
    console.warn("note: uncommitted README changes are not in the fresh clone (it checks HEAD)");
  }
  dir = mkdtempSync(join(tmpdir(), "mly-readme-check-"));
  execFileSync("git", ["clone", "--quiet", root, dir], { stdio: "inherit" });
  console.log(`fresh clone of HEAD (${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir, encoding: "utf8" }).trim()}) in ${dir}`);
}

let failed = 0;
let ran = 0;
try {
  for (const block of all) {
    if (block.options.skip !== undefined) {
      console.log(`skip ${block.where}: ${block.options.skip}`);
      continue;
    }
    console.log(`run  ${block.where} (${describe(block)})\n${block.script.replace(/^/gm, "     $ ")}`);
    const started = Date.now();
    const result = await runBlock(block, dir);
    ran++;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.ok) {
      console.log(`ok   ${block.where}: ${result.detail} (${seconds} s)`);
    } else {
      failed++;
      const tail = result.output.trimEnd().split("\n").slice(-30).join("\n");
      console.error(`FAIL ${block.where}: ${result.detail} (${seconds} s); last lines of its output:\n${tail.replace(/^/gm, "     | ")}`);
    }
  }
} finally {
  if (dir !== root) {
    if (flags.has("--keep")) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`README commands: ${ran - failed} passed, ${failed} failed, ${all.length - ran} skipped`);
process.exit(failed === 0 ? 0 : 1);
