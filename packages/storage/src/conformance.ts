/**
 * `@mly/storage/conformance`: registers the `TokenStore` contract (of `@mly/auth-core`) as vitest tests, so
 * every backend (core's `MemoryTokenStore`, the file and browser stores, Redis, yours) runs the
 * same suite unchanged. Needs `vitest` (a peer dependency).
 *
 * @module
 */
import { describe, it } from "vitest";
import { runConformanceCheck, tokenStoreConformanceChecks, type ConformanceFactory } from "@mly/auth-core/testing";

/** Options of {@link describeTokenStoreConformance}. */
export interface ConformanceOptions {
  /** The store has no `lock()`: skip the lock checks instead of failing them. */
  withoutLock?: boolean;
  /** Per-test timeout in ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * Registers the conformance suite for one backend as a vitest `describe` block.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 * import { describeTokenStoreConformance } from "@mly/storage/conformance";
 *
 * const shared = new MemoryTokenStore();
 * describeTokenStoreConformance("MemoryTokenStore", () => ({ store: shared }));
 * ```
 */
export function describeTokenStoreConformance(name: string, factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  describe(`TokenStore conformance: ${name}`, () => {
    for (const check of tokenStoreConformanceChecks) {
      const skip = check.needsLock && options.withoutLock === true;
      it.skipIf(skip)(check.name, () => runConformanceCheck(check, factory), options.timeoutMs ?? 30_000);
    }
  });
}
