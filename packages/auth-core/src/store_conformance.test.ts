import { describe, expect, it } from "vitest";
import { MemoryTokenStore } from "./memory_store.ts";
import type { TokenStore } from "./ports.ts";
import { runConformanceCheck, tokenStoreConformanceChecks } from "./store_conformance.ts";

// Core's in-memory store is the reference backend of the contract (every other store runs the
// same checks through `@mly/storage/conformance`).
describe("the TokenStore contract, framework-free", () => {
  for (const check of tokenStoreConformanceChecks) {
    it(`MemoryTokenStore: ${check.name}`, () => {
      const store = new MemoryTokenStore();
      return runConformanceCheck(check, () => ({ store, peer: store }));
    }, 30_000);
  }

  it("a store that breaks the contract fails a check with an error saying so", async () => {
    const forgetful: TokenStore = new MemoryTokenStore();
    forgetful.get = (): ReturnType<TokenStore["get"]> => Promise.resolve(undefined); // never returns what was set
    const failures: string[] = [];
    for (const check of tokenStoreConformanceChecks) {
      await runConformanceCheck(check, () => ({ store: forgetful })).catch(() => failures.push(check.name));
    }
    expect(failures.length).toBeGreaterThan(0);
  });
});
