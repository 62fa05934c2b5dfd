/**
 * `@mly/storage`: where mly keeps tokens. This entry is browser-safe: the AES-GCM cipher and
 * the browser stores. The Node file store is `@mly/storage/file`, the conformance suite
 * `@mly/storage/conformance`, and the in-memory store is core's `MemoryTokenStore`.
 *
 * @example
 * ```ts
 * import { WebStorageTokenStore, createAesGcmCipher } from "@mly/storage";
 *
 * const cipher = await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)));
 * const store = new WebStorageTokenStore({ storage: localStorage, cipher });
 * ```
 *
 * @module
 */
export {
  acquireWebLock,
  createAesGcmCipher,
  IndexedDbTokenStore,
  WebStorageTokenStore,
  type AesGcmCipherOptions,
  type IndexedDbTokenStoreOptions,
  type SealedEnvelope,
  type TokenCipher,
  type WebLockManager,
  type WebStorageLike,
  type WebStorageTokenStoreOptions,
} from "./browser.ts";
export { MemoryTokenStore } from "@mly/auth-core/orchestration";
