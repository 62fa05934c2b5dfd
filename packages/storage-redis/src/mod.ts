/**
 * `@mly/storage-redis`: a {@link RedisTokenStore} for tokens shared by processes and machines,
 * with the lock that makes a refresh happen once. Bring your own client: ioredis or node-redis.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { RedisTokenStore } from "@mly/storage-redis";
 *
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const store = new RedisTokenStore({ client });
 * ```
 *
 * @module
 */
export { RedisTokenStore, type RedisTokenStoreOptions } from "./redis_token_store.ts";
