import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.test.ts", "src/**/_test_*.ts"],
      thresholds: { lines: 95 },
    },
  },
});

export default config;
