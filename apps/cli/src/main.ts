#!/usr/bin/env node
/**
 * The `mly` executable: runs a command, maps Ctrl-C to a clean stop (a second Ctrl-C exits at
 * once) and exits with the documented code.
 *
 * @module
 */
import { EXIT } from "./exit_codes.ts";
import { run } from "./run.ts";

const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts++;
  if (interrupts > 1) process.exit(EXIT.interrupted);
  process.stderr.write("\nStopping… (Ctrl-C again to quit at once)\n");
  controller.abort();
});

const code = await run(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
// Open keep-alive sockets or timers must not keep a finished command alive.
setTimeout(() => process.exit(code), 1000).unref();
