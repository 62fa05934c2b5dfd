import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default config;
