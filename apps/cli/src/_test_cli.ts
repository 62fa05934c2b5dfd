import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built binary the tests drive. */
export const BIN: string = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** The outcome of one `mly` run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `mly` child. */
export interface CliChild {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stderr. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the child exits. */
  done: Promise<CliResult>;
}

/** The environment of a child: the parent's, minus credentials and colour settings, plus `env`. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(MAPILLARY_|MAPIQ_|MLY_|NO_COLOR|FORCE_COLOR)/.test(key)) continue;
    base[key] = value;
  }
  return { ...base, ...env };
}

/** Starts `node dist/main.js …args`. */
export function startCli(args: readonly string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match !== null) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitForStderr(pattern: RegExp, timeoutMs = 45_000): Promise<RegExpMatchArray> {
      const now = stderr.match(pattern);
      if (now !== null) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`stderr never matched ${String(pattern)}; stderr so far:\n${stderr}`));
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        void done.then(() => {
          clearTimeout(timer);
          reject(new Error(`mly exited before stderr matched ${String(pattern)}; stderr:\n${stderr}`));
        });
      });
    },
  };
}

/** Runs `node dist/main.js …args` to the end. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const cli = startCli(args, env);
  cli.child.stdin.end();
  return cli.done;
}
