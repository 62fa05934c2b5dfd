/**
 * `@mly/storage/browser`: token stores for browsers (localStorage, sessionStorage, IndexedDB)
 * with Web Locks for a single refresh across tabs.
 *
 * @example
 * ```ts
 * import { IndexedDbTokenStore, WebStorageTokenStore } from "@mly/storage/browser";
 *
 * const durable = new IndexedDbTokenStore();
 * const perTab = new WebStorageTokenStore({ storage: sessionStorage });
 * ```
 *
 * @module
 */
export { WebStorageTokenStore, type WebStorageLike, type WebStorageTokenStoreOptions } from "./web_storage_token_store.ts";
export { IndexedDbTokenStore, type IndexedDbTokenStoreOptions } from "./indexeddb_token_store.ts";
export { acquireWebLock, type WebLockManager, type WebLockOptions } from "./web_lock.ts";
export { createAesGcmCipher, type AesGcmCipherOptions, type SealedEnvelope, type TokenCipher } from "./aes_gcm_cipher.ts";
