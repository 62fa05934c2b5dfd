/**
 * `@mly/storage/file`: the Node file store. Kept out of the main entry, which stays browser-safe.
 *
 * @example
 * ```ts
 * import { FileTokenStore, defaultTokenDirectory } from "@mly/storage/file";
 *
 * const store = new FileTokenStore({ directory: defaultTokenDirectory() });
 * ```
 *
 * @module
 */
export { FileTokenStore, type FileTokenStoreOptions } from "./file_token_store.ts";
export { defaultTokenDirectory } from "./default_token_directory.ts";
export { createAesGcmCipher, type AesGcmCipherOptions, type SealedEnvelope, type TokenCipher } from "./aes_gcm_cipher.ts";
