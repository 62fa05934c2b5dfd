import type { ViteUserConfig } from "vitest/config";

/** The shared Vitest config, merged with `overrides`. */
export declare function mlyVitest(overrides?: ViteUserConfig): ViteUserConfig;
