/**
 * `sendRedisCommand`, kept for existing users: the client shape and its adapter live in
 * `@mly/redis-script` (re-exported from this package's entry).
 *
 * @module
 */
import { toRedisCommander, type RedisClientLike } from "@mly/redis-script";

/**
 * Sends one command through any client `@mly/redis-script` accepts (ioredis, node-redis, `send(args)`).
 *
 * @deprecated Use `toRedisCommander(client).send(args)` (from `@mly/redis-script`, also exported here).
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { sendRedisCommand } from "@mly/ratelimit-redis";
 *
 * const client = new Redis("redis://127.0.0.1:6379");
 * await sendRedisCommand(client, ["PING"]); // "PONG"
 * ```
 */
export function sendRedisCommand(client: RedisClientLike, args: readonly string[]): Promise<unknown> {
  return toRedisCommander(client).send(args);
}
