import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { describeTokenStoreConformance } from "./conformance.ts";

// Core's in-memory store is the reference backend: the same suite, unchanged.
describeTokenStoreConformance("MemoryTokenStore (core)", () => {
  const store = new MemoryTokenStore();
  return { store, peer: store };
});
