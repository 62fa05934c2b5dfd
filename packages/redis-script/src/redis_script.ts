import type { RedisCommander } from "./redis_client.ts";

/** Options of {@link RedisScript}. */
export interface RedisScriptOptions {
  /** The SHA-1 of the source, hex, when known ahead (default: computed with `crypto.subtle` on first use). */
  sha?: string;
}

/**
 * A Lua script run by its SHA-1: `run` sends EVALSHA — one round trip once the server has cached
 * the script — and, when the server answers NOSCRIPT (a restart, `SCRIPT FLUSH`, a fresh
 * replica), sends the source with EVAL, which caches it again. The first run of a script finds
 * out whether the server has it; runs that start meanwhile wait for that answer instead of each
 * paying a NOSCRIPT round trip of their own (so a process whose callers start at once sends one
 * EVAL, not one per caller). EVALSHA always goes first, so a server that forbids EVAL (an ACL
 * with `-eval`, scripts loaded ahead with SCRIPT LOAD) works. A NOSCRIPT reply is recognised on
 * the error or on any error in its `cause` chain, so a commander may wrap Redis errors in its own
 * (for timeouts or error mapping) as long as it keeps the original as `cause`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisScript, toRedisCommander } from "@mly/redis-script";
 *
 * const incrementTo = new RedisScript(`
 * local n = redis.call('INCR', KEYS[1])
 * if n > tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end
 * return n
 * `);
 * const redis = toRedisCommander(new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379"));
 * await incrementTo.run(redis, ["visits"], ["10"]); // 1, 2, … up to 10
 * ```
 */
export class RedisScript {
  /** The Lua source. */
  readonly source: string;
  #sha: Promise<string> | undefined;
  /** A run succeeded: the server (one of them, at least) has the script cached. */
  #ran = false;
  /** The first run, while it is under way: runs that start meanwhile wait for it. */
  #firstRun: Promise<unknown> | undefined;

  /**
   * Creates a script from its Lua `source`.
   *
   * @throws {TypeError} `options.sha` is not 40 hex digits.
   */
  constructor(source: string, options: RedisScriptOptions = {}) {
    this.source = source;
    if (options.sha !== undefined) {
      if (!/^[0-9a-f]{40}$/i.test(options.sha)) throw new TypeError("RedisScript: options.sha must be the 40 hex digits of a SHA-1.");
      this.#sha = Promise.resolve(options.sha.toLowerCase());
    }
  }

  /** The SHA-1 of {@link source}, hex, as EVALSHA wants it. */
  sha(): Promise<string> {
    this.#sha ??= crypto.subtle
      .digest("SHA-1", new TextEncoder().encode(this.source))
      .then((digest) => [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join(""));
    return this.#sha;
  }

  /**
   * Runs the script on `keys` and `args`: EVALSHA, then EVAL on NOSCRIPT. Until a run has
   * succeeded, a run waits for the one under way first (one NOSCRIPT per process, not one per
   * caller); if that one fails, the next run tries again. Resolves with the script's reply; any
   * other error (and an error of the EVAL) rejects as the commander raised it.
   */
  async run(commander: RedisCommander, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    if (!this.#ran) {
      if (this.#firstRun === undefined) {
        const first = this.#send(commander, tail);
        this.#firstRun = first;
        try {
          const reply = await first;
          this.#ran = true;
          return reply;
        } finally {
          this.#firstRun = undefined;
        }
      }
      await this.#firstRun.catch(() => undefined);
    }
    return this.#send(commander, tail);
  }

  /** EVALSHA, and EVAL when the server has not cached the script. */
  async #send(commander: RedisCommander, tail: readonly string[]): Promise<unknown> {
    try {
      return await commander.send(["EVALSHA", await this.sha(), ...tail]);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return commander.send(["EVAL", this.source, ...tail]);
    }
  }
}

/** Whether `error`, or an error in its `cause` chain, is Redis' NOSCRIPT reply. */
function isNoScript(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth += 1) {
    if (current.message.startsWith("NOSCRIPT")) return true;
  }
  return false;
}
