import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

// The tests drive the built binary (dist/main.js) as child processes; `pretest` builds it.
const config: ViteUserConfig = mlyVitest({
  test: {
    testTimeout: 60_000,
    fileParallelism: false,
  },
});

export default config;
