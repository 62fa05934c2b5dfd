// `@mly/vitest-config` is plain JavaScript typed with JSDoc, which this strict, declaration-only
// setup (isolatedDeclarations forbids allowJs) cannot read: this states its one export.
declare module "@mly/vitest-config" {
  import type { ViteUserConfig } from "vitest/config";

  export function mlyVitest(overrides?: ViteUserConfig): ViteUserConfig;
}
