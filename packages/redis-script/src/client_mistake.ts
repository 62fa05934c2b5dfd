/**
 * A programming error, told apart from an outage.
 *
 * @module
 */

/**
 * When `error` (thrown by a Redis client sending `args`) is a programming error — a `TypeError`,
 * as a client of the wrong shape or one used the wrong way throws — a `TypeError` that says so
 * (command name, the client's message without any argument of the command, what to check;
 * marked so a second pass leaves it as is); else `undefined`. Retrying never helps such an error,
 * so callers must not report it as the backend being unavailable.
 *
 * @example
 * ```ts
 * import { clientMistake } from "@mly/redis-script";
 * const mistake = clientMistake(["GET", "k"], new TypeError("args.map is not a function"));
 * // TypeError: The Redis client threw a TypeError on GET (args.map is not a function): …
 * ```
 */
export function clientMistake(args: readonly string[], error: unknown): TypeError | undefined {
  if (!(error instanceof TypeError)) return undefined;
  if (MARKED.has(error)) return error;
  let message = error.message;
  // Never repeat a command argument (a SET's arguments can be a serialized token set).
  for (const arg of args.slice(1)) if (arg.length >= 4) message = message.split(arg).join("[argument]");
  if (message.length > 200) message = `${message.slice(0, 200)}…`;
  const mistake = new TypeError(
    `The Redis client threw a TypeError on ${args[0] ?? "a command"} (${message}): a programming error, not an outage — retrying will not help. ` +
      "Check that the client is an ioredis Redis or Cluster, a connected node-redis client (createClient) or cluster (createCluster), or an object with send(args).",
  );
  MARKED.add(mistake);
  return mistake;
}

const MARKED = new WeakSet<TypeError>();
