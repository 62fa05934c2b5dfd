import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

// The tests drive the built binary (dist/main.js) as child processes; the global setup builds it.
const config: ViteUserConfig = mlyVitest({
  test: {
    testTimeout: 60_000,
    fileParallelism: false,
    globalSetup: ["src/_test_build.ts"],
  },
});

export default config;
