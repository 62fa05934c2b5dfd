import { mlyVitest } from "@mly/vitest-config";
import type { ViteUserConfig } from "vitest/config";

const config: ViteUserConfig = mlyVitest({
  test: {
    coverage: { thresholds: { lines: 95 } },
  },
});

// Vite's default conditions include `module`, which points @opentelemetry packages at an ESM
// build whose imports have no file extension (only a bundler resolves those): use their
// CommonJS builds (`default`), as Node does.
const withoutModule = (conditions: string[] | undefined): string[] => (conditions ?? []).filter((condition) => condition !== "module");
config.resolve = { ...config.resolve, conditions: withoutModule(config.resolve?.conditions) };
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: withoutModule(config.ssr?.resolve?.conditions) } };

export default config;
