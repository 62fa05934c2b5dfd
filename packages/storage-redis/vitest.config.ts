import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.test.ts", "src/**/_test_*.ts"],
    },
  },
});

export default config;
