import {
  AbortedError,
  BackendUnavailableError,
  deadline,
  delay,
  LockTimeoutError,
  StorageError,
  VersionConflictError,
  parseTokenSet,
  serializeTokenSet,
  systemClock,
} from "@mly/auth-core";
import type { Clock, CompareAndSetOptions, LockOptions, StoredToken, TokenLock, TokenSet, TokenStore } from "@mly/auth-core";
import { clientMistake, toRedisCommander, type RedisClientLike, type RedisCommander, type RedisScript } from "@mly/redis-script";
import { DELETE_SCRIPT, QUARANTINE_SCRIPT, RELEASE_SCRIPT, SET_SCRIPT } from "./_scripts.ts";

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** The caller's client: ioredis (`Redis`, `Cluster`), node-redis (`createClient`, `createCluster`), or any {@link RedisCommander}. */
  client: RedisClientLike;
  /** First part of every key (default `mly`): keys are `<prefix>:{<token key>}:token` and `…:lock`. */
  prefix?: string;
  /** Every command fails with `BackendUnavailableError` after this many ms without an answer (default 1000). */
  timeoutMs?: number;
  /** An entry outlives its access token's expiry by this much, in ms (default 1 hour). Never-expiring tokens get no TTL. */
  graceMs?: number;
  /** …or by this much when it holds a refresh token, which usually outlives the access token (default 30 days). */
  refreshGraceMs?: number;
  /** Longest pause between two tries of a taken lock, in ms (default 50). */
  maxLockPollMs?: number;
  /** The clock of entry TTLs and of the command timeout (default: the system clock). */
  clock?: Clock;
}

const HOUR = 3_600_000;

/**
 * A {@link TokenStore} on Redis, shared by every process and machine that reaches it.
 * Compare-and-set and lock release run as Lua scripts (EVALSHA, EVAL on NOSCRIPT); both keys of
 * an entry carry the same hash tag (`mly:{<token key>}:token`, `mly:{<token key>}:lock`) so the
 * store works on Redis Cluster. Entries expire after their token (plus a grace period). A
 * command without an answer within `timeoutMs` fails with `BackendUnavailableError`: a caller
 * never hangs on a dead Redis.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisTokenStore } from "@mly/storage-redis";
 *
 * const store = new RedisTokenStore({ client: new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379") });
 * const keys = await store.list("mapillary:");
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: RedisCommander;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #graceMs: number;
  readonly #refreshGraceMs: number;
  readonly #maxPollMs: number;
  readonly #clock: Clock;
  /** {@link RedisTokenStore.#redis} with every command time-bounded and its errors mapped, for scripts. */
  readonly #bounded: RedisCommander = { send: (args) => this.#send(args) };

  /** Creates a store over the caller's client (which the caller connects and closes). */
  constructor(options: RedisTokenStoreOptions) {
    this.#redis = toRedisCommander(options.client);
    this.#prefix = options.prefix ?? "mly";
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#graceMs = options.graceMs ?? HOUR;
    this.#refreshGraceMs = options.refreshGraceMs ?? 30 * 24 * HOUR;
    this.#maxPollMs = options.maxLockPollMs ?? 50;
    this.#clock = options.clock ?? systemClock;
  }

  /** The Redis key holding `key`'s token. */
  tokenKeyOf(key: string): string {
    return `${this.#prefix}:{${hashTag(key)}}:token`;
  }

  /** The Redis key holding `key`'s lock (same hash slot as the token). */
  lockKeyOf(key: string): string {
    return `${this.#prefix}:{${hashTag(key)}}:lock`;
  }

  /** Reads a token and its version. */
  async get(key: string): Promise<StoredToken | undefined> {
    const reply = await this.#send(["HMGET", this.tokenKeyOf(key), "version", "data"]);
    if (!Array.isArray(reply)) throw new StorageError("Redis answered HMGET with an unexpected reply.");
    const [versionText, data] = reply as unknown[];
    if (data === null || data === undefined) return undefined;
    const version = Number(versionText);
    if (typeof data !== "string" || !Number.isSafeInteger(version) || version < 1) throw await this.#quarantine(key, versionText, "entry shape");
    try {
      return Object.freeze({ tokens: parseTokenSet(data), version });
    } catch (error) {
      // Core says in fields, not in words, that the stored token set is damaged.
      if (!(error instanceof StorageError) || error.reason !== "unreadable_token") throw error;
      throw await this.#quarantine(key, versionText, error.field === undefined ? "token: not a JSON object" : `token field ${error.field}`);
    }
  }

  /** Renames a damaged entry aside (only if its version is still `versionText`); the error to throw says what was wrong. */
  async #quarantine(key: string, versionText: unknown, problem: string): Promise<StorageError> {
    const aside = `${this.#prefix}:{${hashTag(key)}}:corrupt:${new Date(this.#clock.now()).toISOString()}`;
    await this.#script(QUARANTINE_SCRIPT, [this.tokenKeyOf(key), aside], [String(versionText)]);
    return new StorageError(`The Redis entry ${this.tokenKeyOf(key)} is damaged (${problem}). It was renamed to ${aside}; log in again to store a new token.`);
  }

  /** Writes a token (compare-and-set in Lua); returns the new version. */
  async set(key: string, tokens: TokenSet, options: CompareAndSetOptions = {}): Promise<number> {
    const reply = await this.#script(SET_SCRIPT, [this.tokenKeyOf(key)], [expected(options), serializeTokenSet(tokens), String(this.#ttlOf(tokens))]);
    return outcome(key, options, reply);
  }

  /** Deletes a token (compare-and-delete in Lua); returns whether one was deleted. */
  async delete(key: string, options: CompareAndSetOptions = {}): Promise<boolean> {
    const reply = await this.#script(DELETE_SCRIPT, [this.tokenKeyOf(key)], [expected(options)]);
    return outcome(key, options, reply) === 1;
  }

  /**
   * Lists the stored keys that start with `prefix`, sorted. SCAN on every master of a Redis
   * Cluster (each sees only its own slots), on the one server otherwise.
   */
  async list(prefix = ""): Promise<string[]> {
    const head = `${this.#prefix}:{`;
    const pattern = `${escapeGlob(head + hashTag(prefix))}*}:token`;
    const keys = new Set<string>();
    const nodes = this.#redis.masters === undefined ? [this.#redis] : await this.#within("CLUSTER masters", this.#redis.masters());
    for (const node of nodes) {
      let cursor = "0";
      do {
        const reply = await this.#send(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"], node);
        if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new StorageError("Redis answered SCAN with an unexpected reply.");
        cursor = String(reply[0]);
        for (const name of reply[1] as unknown[]) {
          const text = String(name);
          if (!text.startsWith(head) || !text.endsWith("}:token")) continue;
          const key = untag(text.slice(head.length, -"}:token".length));
          if (key.startsWith(prefix)) keys.add(key);
        }
      } while (cursor !== "0");
    }
    return [...keys].sort();
  }

  /**
   * Takes the lock on `key` (`SET NX PX`), released only by its owner (Lua).
   * @throws {LockTimeoutError} not taken within `waitMs`.
   * @throws {AbortedError} `signal` aborted.
   * @throws {BackendUnavailableError} Redis did not answer in time.
   */
  async lock(key: string, options: LockOptions): Promise<TokenLock> {
    const lockKey = this.lockKeyOf(key);
    const owner = `${Date.now().toString(36)}-${crypto.randomUUID()}`;
    const started = this.#clock.now();
    let pause = 2;
    for (;;) {
      if (options.signal?.aborted === true) throw new AbortedError();
      let taken: unknown;
      try {
        taken = await this.#send(["SET", lockKey, owner, "NX", "PX", String(Math.max(1, Math.ceil(options.ttlMs)))]);
      } catch (error) {
        // A client with an offline queue may still run this SET once Redis is back: queue a
        // release right behind it (plain EVAL, as the script cache may be empty) so a lock
        // nobody waits for any more does not block others for its whole TTL.
        if (error instanceof BackendUnavailableError) this.#redis.send(["EVAL", RELEASE_SCRIPT.source, "1", lockKey, owner]).catch(() => undefined);
        throw error;
      }
      if (taken === "OK") return this.#handle(lockKey, owner);
      const waited = this.#clock.now() - started;
      if (options.waitMs !== undefined && waited >= options.waitMs) throw new LockTimeoutError(key, waited);
      let wait = pause + Math.random() * pause;
      if (options.waitMs !== undefined) wait = Math.min(wait, Math.max(1, options.waitMs - waited));
      await delay(wait, { signal: options.signal, clock: this.#clock });
      pause = Math.min(pause * 2, this.#maxPollMs);
    }
  }

  #handle(lockKey: string, owner: string): TokenLock {
    let released = false;
    return {
      release: async (): Promise<void> => {
        if (released) return;
        released = true;
        await this.#script(RELEASE_SCRIPT, [lockKey], [owner]);
      },
    };
  }

  #ttlOf(tokens: TokenSet): number {
    if (tokens.expiresAt === null) return 0;
    const grace = tokens.refreshToken === undefined ? this.#graceMs : this.#refreshGraceMs;
    return Math.max(1_000, Math.ceil(tokens.expiresAt + grace - this.#clock.now()));
  }

  /** Runs `script` (EVALSHA, EVAL on NOSCRIPT), each command with the time bound and mapped errors. */
  #script(script: RedisScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return script.run(this.#bounded, keys, args);
  }

  /** Sends one command (to `via`, default the client) with the time bound; maps failures to the core's errors. */
  #send(args: readonly string[], via: RedisCommander = this.#redis): Promise<unknown> {
    let pending: Promise<unknown>;
    try {
      pending = via.send(args);
    } catch (error) {
      pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.#within(args[0] ?? "", pending, args);
  }

  /** `pending` with the time bound and mapped failures (`args`: the command, kept out of messages). */
  #within<T>(command: string, pending: Promise<T>, args: readonly string[] = [command]): Promise<T> {
    const timeoutMs = this.#timeoutMs;
    return deadline(pending, timeoutMs, { clock: this.#clock }).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === "TimeoutError") {
        throw new BackendUnavailableError(`Redis did not answer ${command} within ${timeoutMs} ms. Check that Redis is running and reachable; the call can be retried.`);
      }
      throw mapError(args, error);
    });
  }
}

function mapError(args: readonly string[], raw: unknown): Error {
  const command = args[0] ?? "";
  // A programming error (a client of the wrong shape, a TypeError): never "retry later".
  const mistake = clientMistake(args, raw);
  if (mistake !== undefined) return mistake;
  const name = raw instanceof Error ? raw.name : "";
  const message = raw instanceof Error ? raw.message : String(raw);
  // Never chain the client's own error: ioredis attaches the command and its arguments to it
  // (`err.command.args`), and a SET's arguments are the serialized token set.
  const error = Object.assign(new Error(message), { name: name || "Error" });
  // A Redis error reply (ioredis: ReplyError, node-redis: ErrorReply): Redis is up but refused.
  if (name === "ReplyError" || name === "ErrorReply" || /^(?:NOSCRIPT|WRONGTYPE|ERR|BUSY|OOM|NOPERM|CROSSSLOT|MOVED|ASK|READONLY|LOADING|CLUSTERDOWN|TRYAGAIN)\b/.test(message)) {
    const busy = /^(?:LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN)\b/.test(message);
    const summary = message.split(/\s/)[0] ?? "ERR";
    if (busy) return new BackendUnavailableError(`Redis is not ready (${summary}) for ${command}. Retry shortly.`, { cause: error });
    return new StorageError(`Redis refused ${command} (${message.includes("NOSCRIPT") ? "NOSCRIPT" : summary}). Check the Redis version (≥ 2.6 for Lua) and the ACL of this client.`, {
      cause: error,
    });
  }
  return new BackendUnavailableError(`Redis is unreachable (${name || "error"}) for ${command}. Check that Redis is running and reachable; the call can be retried.`, {
    cause: error,
  });
}

function expected(options: CompareAndSetOptions): string {
  if (options.expectedVersion === undefined) return "*";
  if (options.expectedVersion === null) return "-";
  return String(options.expectedVersion);
}

function outcome(key: string, options: CompareAndSetOptions, reply: unknown): number {
  if (!Array.isArray(reply) || reply.length !== 2) throw new StorageError("Redis answered the compare-and-set script with an unexpected reply.");
  const [ok, value] = reply as [unknown, unknown];
  if (Number(ok) === 1) return Number(value);
  const actual = String(value) === "-" ? null : Number(value);
  throw new VersionConflictError(key, options.expectedVersion ?? null, actual);
}

/** The hash-tag content of a token key: `%`, `{` and `}` percent-encoded so the tag cannot be cut short. */
function hashTag(key: string): string {
  return key.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function untag(tag: string): string {
  return tag.replace(/%(25|7B|7D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^-]/g, (char) => `\\${char}`);
}
