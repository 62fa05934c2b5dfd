// @ts-check
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig, mergeConfig } from "vitest/config";

/**
 * The shared Vitest config: resolves workspace packages to their TypeScript sources through
 * the `@mly/source` export condition, so tests never need a build of their dependencies.
 *
 * @param {import("vitest/config").ViteUserConfig} [overrides]
 * @returns {import("vitest/config").ViteUserConfig}
 */
export function mlyVitest(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: ["@mly/source", ...defaultClientConditions] },
      ssr: { resolve: { conditions: ["@mly/source", ...defaultServerConditions] } },
      test: {
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
        // Used when a package runs `vitest run --coverage`; packages add their thresholds.
        coverage: {
          provider: "v8",
          include: ["src/**/*.ts"],
          exclude: ["src/**/*.test.ts", "src/**/_test_*.ts"],
        },
        testTimeout: 20_000,
        hookTimeout: 30_000,
      },
    }),
    overrides,
  );
}
