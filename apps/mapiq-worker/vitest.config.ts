import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    // The run tests fork real worker processes against one Redis and measure real time: one file at a time.
    fileParallelism: false,
    testTimeout: 90_000,
  },
});

export default config;
