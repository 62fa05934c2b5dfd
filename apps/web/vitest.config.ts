import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    // The browser tests and the Redis-backed tests share one Redis and real ports: run files one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
  },
});

export default config;
