import type { TokenStore } from "@mly/auth-core";
import { FileTokenStore } from "@mly/storage/file";

/**
 * The token store of the CLI: `@mly/storage`'s `FileTokenStore` (atomic 0600 files in a 0700
 * directory, a cross-process lock around refreshes).
 *
 * @example
 * ```ts
 * import { openTokenStore } from "./token_store.ts";
 *
 * const store = openTokenStore("/tmp/mly-config/tokens");
 * ```
 */
export function openTokenStore(directory: string): TokenStore {
  return new FileTokenStore({ directory });
}
