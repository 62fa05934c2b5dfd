import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    coverage: { thresholds: { lines: 95 } },
  },
});

export default config;
