import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { it } from "vitest";

it("(d) memory limiter by number of distinct keys: acquires/s, pauses/s, heap held", () => {
  // A child process: `--expose-gc` for the heap figures, and no vitest in the measured heap.
  const output = execFileSync(
    process.execPath,
    ["--expose-gc", "--conditions=@mly/source", "--import", "../../tooling/scripts/ts-loader.mjs", "bench/_keys.ts"],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  console.log(output);
});
