/**
 * The one Redis call mly makes: send a command, get its reply. Bring your own client — ioredis
 * (`Redis`, `Cluster`: `call`), node-redis (`createClient`: `sendCommand(args)`; `createCluster`:
 * `sendCommand(firstKey, isReadonly, args)`) or anything with `send(args)`; no client library is
 * a dependency.
 *
 * @module
 */
import { clientMistake } from "./client_mistake.ts";

/** The one call mly makes on Redis: send a command, get its reply. */
export interface RedisCommander {
  /** Sends `args` (`["HGET", "k", "f"]`) and resolves with the reply; Redis error replies reject. */
  send(args: readonly string[]): Promise<unknown>;
  /**
   * On Redis Cluster only: one commander per master, for commands that see one node's keyspace
   * (`SCAN`). Absent on a single server.
   */
  masters?(): Promise<RedisCommander[]>;
}

/** What an ioredis `Redis` or `Cluster` offers (`client.call(name, ...args)`; a `Cluster` also `nodes("master")`). */
export interface IoRedisLike {
  /** ioredis' generic command call. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** What a node-redis client (`createClient`, v4 and later) offers (`client.sendCommand(args)`). */
export interface NodeRedisLike {
  /** node-redis' generic command call. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis cluster client's shard (an entry of `cluster.masters`). */
export interface NodeRedisClusterNode {
  /** `host:port`. */
  readonly address?: string;
}

/**
 * What a node-redis cluster client (`createCluster`, v4 and later) offers: also
 * `sendCommand(firstKey, isReadonly, args)`, routed by `firstKey` (left out of this type so that
 * an object literal with `sendCommand(args)` still reads as {@link NodeRedisLike}).
 */
export interface NodeRedisClusterLike {
  /** The masters, as the client last saw the slot map. */
  readonly masters: readonly NodeRedisClusterNode[];
  /** The client of one node. */
  nodeClient(node: NodeRedisClusterNode): unknown;
}

/** Any client mly accepts: ioredis, node-redis (client or cluster), or a {@link RedisCommander} of your own. */
export type RedisClientLike = RedisCommander | IoRedisLike | NodeRedisLike | NodeRedisClusterLike;

/**
 * Adapts an ioredis client or cluster, a node-redis client or cluster (or anything with
 * `send(args)`) to {@link RedisCommander}. On a cluster, the commander routes each command by
 * its first key (a script's first key for `EVAL`/`EVALSHA`) and offers `masters()`.
 *
 * A `TypeError` thrown by the client (a client of the wrong shape, or used the wrong way) is a
 * programming error: the commander rejects with a `TypeError` saying so, never with an error
 * that looks like an outage.
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
  if (typeof client !== "object" || (client as unknown) === null) throw new TypeError(SHAPE);
  // ioredis also has a `sendCommand` (taking a Command object) and both clients have a `command`
  // method (Redis' COMMAND): check `call`, then `sendCommand`, then `send`.
  if ("call" in client && typeof client.call === "function") return ioredisCommander(client);
  if ("sendCommand" in client && typeof client.sendCommand === "function") {
    if ("masters" in client && "nodeClient" in client && typeof client.nodeClient === "function") return nodeRedisCluster(client as unknown as NodeRedisCluster);
    const node = client;
    return { send: (args) => guard(args, () => node.sendCommand([...args])) };
  }
  if ("send" in client && typeof client.send === "function") return client;
  throw new TypeError(SHAPE);
}

const SHAPE =
  "Pass an ioredis Redis or Cluster, a node-redis client (createClient) or cluster (createCluster), or an object with send(args).";

/** ioredis `Redis` or `Cluster` (a `Cluster` has `nodes(role)`). */
function ioredisCommander(io: IoRedisLike): RedisCommander {
  const commander: RedisCommander = { send: (args) => guard(args, () => io.call(args[0] ?? "", ...args.slice(1))) };
  const cluster = io as IoRedisLike & { nodes?: (role: string) => IoRedisLike[]; isCluster?: boolean };
  if (cluster.isCluster === true && typeof cluster.nodes === "function") {
    const nodes = cluster.nodes.bind(cluster);
    commander.masters = () => Promise.resolve(nodes("master").map((node) => ioredisCommander(node)));
  }
  return commander;
}

interface NodeRedisCluster extends NodeRedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
}

/** node-redis `createCluster`: `sendCommand(firstKey, isReadonly, args)`, `masters`, `nodeClient(node)`. */
function nodeRedisCluster(cluster: NodeRedisCluster): RedisCommander {
  return {
    send: (args) => guard(args, () => cluster.sendCommand(firstKeyOf(args), false, [...args])),
    masters: async () => {
      const clients = await Promise.all(cluster.masters.map(async (node) => (await cluster.nodeClient(node)) as RedisClientLike));
      return clients.map((client) => toRedisCommander(client));
    },
  };
}

/** Commands whose first argument is not a key. */
const KEYLESS = new Set(["PING", "ECHO", "SCAN", "SCRIPT", "INFO", "TIME", "CLUSTER", "DBSIZE", "COMMAND", "CLIENT", "CONFIG", "FLUSHALL", "FLUSHDB", "DEBUG", "MONITOR", "RANDOMKEY"]);

/**
 * The key a cluster routes `args` by: a script's first key (`EVAL`, `EVALSHA`, `FCALL` and their
 * `_RO` forms), the first argument of a keyed command, `undefined` for a keyless command.
 *
 * @example
 * ```ts
 * import { firstKeyOf } from "@mly/redis-script";
 * firstKeyOf(["EVALSHA", "ab12…", "1", "{t}:log", "x"]); // "{t}:log"
 * firstKeyOf(["HGET", "k", "f"]); // "k"
 * firstKeyOf(["PING"]); // undefined
 * ```
 */
export function firstKeyOf(args: readonly string[]): string | undefined {
  const command = (args[0] ?? "").toUpperCase();
  if (/^(?:EVAL|EVALSHA|FCALL)(?:_RO)?$/.test(command)) return Number(args[2]) > 0 ? args[3] : undefined;
  if (KEYLESS.has(command)) return undefined;
  return args[1];
}

/** Calls the client; a `TypeError` it throws (at once or as a rejection) becomes {@link clientMistake}'s. */
async function guard(args: readonly string[], call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    throw clientMistake(args, error) ?? error;
  }
}
