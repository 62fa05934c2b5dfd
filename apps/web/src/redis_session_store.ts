/**
 * Sessions in Redis, so several instances of the web app share them.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { BackendUnavailableError } from "@mly/auth-core";
import type { Redis } from "ioredis";
import { parseSession, serializeSession, type WebSession } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** A connected ioredis client (owned by the caller). */
  redis: Redis;
  /** Key prefix (default `mly:web:session:`). */
  prefix?: string;
}

/**
 * A {@link SessionStore} in Redis: one string per session with a TTL (`SET … PX`), `GETDEL` for
 * the single-use login step. Keys hold the SHA-256 of the session id, not the id itself, so a
 * Redis dump does not hand out live cookies.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisSessionStore } from "@mly/web";
 *
 * const sessions = new RedisSessionStore({ redis: new Redis("redis://127.0.0.1:6379") });
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** Creates a store over a caller-owned ioredis client. */
  constructor(options: RedisSessionStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? "mly:web:session:";
  }

  /** Reads a session. */
  async get(id: string): Promise<WebSession | undefined> {
    const text = await this.#call(() => this.#redis.get(this.#key(id)));
    return text === null ? undefined : parseSession(text);
  }

  /** Writes a session with a TTL. */
  async set(id: string, session: WebSession, ttlMs: number): Promise<void> {
    await this.#call(() => this.#redis.set(this.#key(id), serializeSession(session), "PX", Math.max(1, Math.ceil(ttlMs))));
  }

  /** Reads and deletes a session atomically. */
  async take(id: string): Promise<WebSession | undefined> {
    const text = await this.#call(() => this.#redis.getdel(this.#key(id)));
    return text === null ? undefined : parseSession(text);
  }

  /** Deletes a session. */
  async delete(id: string): Promise<void> {
    await this.#call(() => this.#redis.del(this.#key(id)));
  }

  #key(id: string): string {
    return `${this.#prefix}${createHash("sha256").update(id).digest("hex")}`;
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new BackendUnavailableError("The session store (Redis) is unavailable. Check REDIS_URL and that Redis is running.", { cause: error });
    }
  }
}
