import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

/** `pnpm --filter @mly/ratelimit bench`: the figures of the README, printed to the console. */
const config: ViteUserConfig = mlyVitest({
  test: {
    testTimeout: 300_000,
    fileParallelism: false,
    disableConsoleIntercept: true,
  },
});
// mergeConfig concatenates arrays: replace the shared test globs instead of adding to them.
if (config.test !== undefined) config.test.include = ["bench/**/*.bench.ts"];

export default config;
