/**
 * `@mly/auth-core/testing`: what tests of code built on mly need, with no test framework: a
 * manual clock, a scripted {@link FakeTransport}, and the `TokenStore` contract as plain async
 * checks that every store backend must pass (`@mly/storage/conformance` registers them as vitest
 * tests; a browser page can run them as they are).
 *
 * @example Run the store contract against your own store
 * ```ts
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 * import { runConformanceCheck, tokenStoreConformanceChecks } from "@mly/auth-core/testing";
 *
 * for (const check of tokenStoreConformanceChecks) {
 *   await runConformanceCheck(check, () => ({ store: new MemoryTokenStore() }));
 * }
 * ```
 *
 * @module
 */
export { createManualClock, type ManualClock } from "./manual_clock.ts";
export { FakeTransport, type FakeResponder } from "./fake_transport.ts";
export {
  runConformanceCheck,
  sampleTokenSet,
  tokenStoreConformanceChecks,
  type ConformanceCheck,
  type ConformanceFactory,
  type ConformanceSubject,
} from "./store_conformance.ts";
