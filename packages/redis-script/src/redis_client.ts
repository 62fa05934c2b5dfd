/**
 * The one Redis call mly makes: send a command, get its reply. Bring your own client — ioredis
 * (`call`), node-redis (`sendCommand`) or anything with `send(args)`; no client library is a
 * dependency.
 *
 * @module
 */

/** The one call mly makes on Redis: send a command, get its reply. */
export interface RedisCommander {
  /** Sends `args` (`["HGET", "k", "f"]`) and resolves with the reply; Redis error replies reject. */
  send(args: readonly string[]): Promise<unknown>;
}

/** What an ioredis `Redis` or `Cluster` offers (`client.call(name, ...args)`). */
export interface IoRedisLike {
  /** ioredis' generic command call. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** What a node-redis client (v4 and later, also cluster clients) offers (`client.sendCommand(args)`). */
export interface NodeRedisLike {
  /** node-redis' generic command call. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Any client mly accepts: ioredis, node-redis, or a {@link RedisCommander} of your own. */
export type RedisClientLike = RedisCommander | IoRedisLike | NodeRedisLike;

/**
 * Adapts an ioredis or node-redis client (or anything with `send(args)`) to
 * {@link RedisCommander}.
 *
 * @throws {TypeError} `client` has none of `call`, `sendCommand`, `send`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { toRedisCommander } from "@mly/redis-script";
 *
 * const commander = toRedisCommander(new Redis("redis://127.0.0.1:6379"));
 * await commander.send(["PING"]); // "PONG"
 * ```
 */
export function toRedisCommander(client: RedisClientLike): RedisCommander {
  // ioredis also has a `sendCommand` (taking a Command object) and both clients have a `command`
  // method (Redis' COMMAND): check `call`, then `sendCommand`, then `send`.
  if ("call" in client && typeof client.call === "function") {
    const io = client;
    return { send: (args) => io.call(args[0] ?? "", ...args.slice(1)) };
  }
  if ("sendCommand" in client && typeof client.sendCommand === "function") {
    const node = client;
    return { send: (args) => node.sendCommand([...args]) };
  }
  if ("send" in client && typeof client.send === "function") return client;
  throw new TypeError("Pass an ioredis client, a node-redis client, or an object with send(args).");
}
