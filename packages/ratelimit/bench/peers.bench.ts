import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { it } from "vitest";

it("(e) memory limiter vs rate-limiter-flexible RateLimiterMemory: allowed path, 1 and 10 000 keys", () => {
  // A child process, so both contenders run outside vitest's instrumentation.
  const output = execFileSync(process.execPath, ["--conditions=@mly/source", "--import", "../../tooling/scripts/ts-loader.mjs", "bench/_peers.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  console.log(output);
});
