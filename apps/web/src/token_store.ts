/**
 * The token store of the web app: Redis when configured, memory otherwise.
 *
 * @module
 */
import { type TokenStore } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { RedisTokenStore } from "@mly/storage-redis";
import type { Redis } from "ioredis";

/**
 * Opens the token store: a `RedisTokenStore` over `redis` (shared by every instance of the app;
 * entries expire with their tokens, compare-and-set writes, a lock around refreshes), or a
 * `MemoryTokenStore` without Redis.
 *
 * @example
 * ```ts
 * import { openTokenStore } from "@mly/web";
 *
 * const store = openTokenStore(undefined); // memory
 * ```
 */
export function openTokenStore(redis: Redis | undefined, prefix = "mly:web"): TokenStore {
  return redis === undefined ? new MemoryTokenStore() : new RedisTokenStore({ client: redis, prefix });
}
