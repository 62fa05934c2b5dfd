/**
 * Where sessions live: memory (one process) or Redis (see `RedisSessionStore`).
 *
 * @module
 */
import type { WebSession } from "./session.ts";

/** A server-side session store with expiry. */
export interface SessionStore {
  /** Reads a session. */
  get(id: string): Promise<WebSession | undefined>;
  /** Writes a session that expires after `ttlMs`. */
  set(id: string, session: WebSession, ttlMs: number): Promise<void>;
  /** Reads and deletes a session in one step (a login is completed at most once). */
  take(id: string): Promise<WebSession | undefined>;
  /** Deletes a session. */
  delete(id: string): Promise<void>;
}

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Sessions held at most; the oldest are dropped first (default 10 000). */
  maxSessions?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/**
 * A {@link SessionStore} in this process's memory: sessions expire, the oldest are dropped past
 * `maxSessions`, nothing survives a restart.
 *
 * @example
 * ```ts
 * import { MemorySessionStore } from "@mly/web";
 *
 * const sessions = new MemorySessionStore();
 * await sessions.set("id", { kind: "login", pending: "{}", returnTo: "/", createdAt: Date.now() }, 600_000);
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, { session: WebSession; expiresAt: number }>();
  readonly #max: number;
  readonly #now: () => number;

  /** Creates an empty store. */
  constructor(options: MemorySessionStoreOptions = {}) {
    this.#max = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Reads a session that has not expired. */
  get(id: string): Promise<WebSession | undefined> {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return Promise.resolve(undefined);
    if (entry.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.session);
  }

  /** Writes a session. */
  set(id: string, session: WebSession, ttlMs: number): Promise<void> {
    this.#sessions.delete(id);
    this.#sessions.set(id, { session, expiresAt: this.#now() + ttlMs });
    while (this.#sessions.size > this.#max) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done === true) break;
      this.#sessions.delete(oldest.value);
    }
    return Promise.resolve();
  }

  /** Reads and deletes a session. */
  async take(id: string): Promise<WebSession | undefined> {
    const session = await this.get(id);
    this.#sessions.delete(id);
    return session;
  }

  /** Deletes a session. */
  delete(id: string): Promise<void> {
    this.#sessions.delete(id);
    return Promise.resolve();
  }
}
