import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** A running child with its stdout lines. */
export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `test`. */
  waitFor(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  /** Called with every stdout line as it arrives (set it to follow a long-running child). */
  onLine?: (line: string) => void;
}

/** Spawns `node script ...args`, collecting stdout lines. */
export function spawnNode(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    result.onLine?.(line);
    for (const waiter of waiters.splice(0)) {
      if (waiter.test(line)) waiter.resolve(line);
      else waiters.push(waiter);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => { resolve(code); }));
  const result: Child = {
    process: child,
    lines,
    exited,
    waitFor(test, timeoutMs = 30_000) {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`child did not print the expected line in ${timeoutMs} ms; stderr: ${stderr}`)); }, timeoutMs);
        waiters.push({ test, resolve: (line) => { clearTimeout(timer); resolve(line); } });
        void exited.then(() => setTimeout(() => { reject(new Error(`child exited; stderr: ${stderr}`)); }, 50));
      });
    },
  };
  return result;
}
