/**
 * The little of a Redis client the limiter needs: send one command, get its reply. Both ioredis
 * (`call`) and node-redis (`sendCommand`) fit as they are; pass your own client.
 *
 * @module
 */

/** An ioredis client (or Cluster): `client.call("EVALSHA", …)`. */
export interface IoredisLike {
  /** Sends one command. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A node-redis client: `client.sendCommand(["EVALSHA", …])`. */
export interface NodeRedisLike {
  /** Sends one command. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** A client from either library. */
export type RedisClientLike = IoredisLike | NodeRedisLike;

/**
 * Sends one command through either client shape.
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
  if ("call" in client && typeof client.call === "function") {
    const [command = "", ...rest] = args;
    return client.call(command, ...rest);
  }
  return (client as NodeRedisLike).sendCommand([...args]);
}
