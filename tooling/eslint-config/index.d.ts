import type { ConfigArray } from "typescript-eslint";

/** The shared flat config of every mly package. */
export declare function mlyConfig(options: { tsconfigRootDir: string; pure?: boolean }): ConfigArray;
