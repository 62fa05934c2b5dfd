import { AbortedError, LockTimeoutError, VersionConflictError } from "./errors.ts";
import type { CompareAndSetOptions, LockOptions, StoredToken, TokenLock, TokenStore } from "./ports.ts";
import type { TokenSet } from "./token_set.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";

/**
 * The default {@link TokenStore}: tokens in this process's memory, with versions for
 * compare-and-set and a lock with a TTL. Nothing survives a restart.
 *
 * @example
 * ```ts
 * import { formatTokenKey, type TokenSet } from "@mly/auth-core";
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 *
 * declare const tokens: TokenSet;
 * const store = new MemoryTokenStore();
 * const key = formatTokenKey({ provider: "mapiq", clientId: "id" });
 * const version = await store.set(key, tokens);
 * await store.set(key, tokens, { expectedVersion: version }); // compare-and-set
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, StoredToken>();
  #counter = 0;
  readonly #locks = new Map<string, { owner: symbol; expiresAt: number; released: Promise<void>; release: () => void }>();
  readonly #clock: Clock;

  /** Creates an empty store; `clock` decides lock expiry (default: the system clock). */
  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Reads a token and its version. */
  get(key: string): Promise<StoredToken | undefined> {
    return Promise.resolve(this.#entries.get(key));
  }

  /** Writes a token; returns the new version. */
  set(key: string, tokens: TokenSet, options: CompareAndSetOptions = {}): Promise<number> {
    const current = this.#entries.get(key);
    const conflict = this.#check(key, current, options);
    if (conflict !== undefined) return Promise.reject(conflict);
    // One counter for the whole store: a version is never reused, even after a delete, so a
    // compare-and-set that read an entry before it was deleted and re-created cannot succeed.
    const version = ++this.#counter;
    this.#entries.set(key, Object.freeze({ tokens, version }));
    return Promise.resolve(version);
  }

  /** Deletes a token; returns whether one was deleted. */
  delete(key: string, options: CompareAndSetOptions = {}): Promise<boolean> {
    const current = this.#entries.get(key);
    const conflict = this.#check(key, current, options);
    if (conflict !== undefined) return Promise.reject(conflict);
    return Promise.resolve(this.#entries.delete(key));
  }

  /** Lists keys starting with `prefix`. */
  list(prefix = ""): Promise<string[]> {
    return Promise.resolve([...this.#entries.keys()].filter((key) => key.startsWith(prefix)).sort());
  }

  /** Takes the in-process lock on `key`, waiting for the holder to release it or for its TTL to pass. */
  async lock(key: string, options: LockOptions): Promise<TokenLock> {
    const started = this.#clock.now();
    for (;;) {
      if (options.signal?.aborted === true) throw new AbortedError();
      const held = this.#locks.get(key);
      const now = this.#clock.now();
      if (held === undefined || held.expiresAt <= now) {
        held?.release();
        const owner = Symbol(key);
        let release = (): void => undefined;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        this.#locks.set(key, { owner, expiresAt: now + options.ttlMs, released, release });
        return {
          release: (): Promise<void> => {
            const current = this.#locks.get(key);
            if (current?.owner === owner) {
              this.#locks.delete(key);
              current.release();
            }
            return Promise.resolve();
          },
        };
      }
      if (options.waitMs !== undefined && now - started >= options.waitMs) throw new LockTimeoutError(key, now - started);
      // Wake at the release, the TTL's end, the caller's deadline or abort, whichever comes first.
      const wakeAt = options.waitMs === undefined ? held.expiresAt : Math.min(held.expiresAt, started + options.waitMs);
      await untilReleased(held.released, Math.max(1, wakeAt - now), options.signal, this.#clock);
    }
  }

  /** The conflict to reject with (as a rejected promise, never a synchronous throw), if any. */
  #check(key: string, current: StoredToken | undefined, options: CompareAndSetOptions): VersionConflictError | undefined {
    if (options.expectedVersion === undefined) return undefined;
    const actual = current?.version ?? null;
    return actual !== options.expectedVersion ? new VersionConflictError(key, options.expectedVersion, actual) : undefined;
  }
}

/** Resolves when `released` does, `ms` pass on `clock`, or `signal` aborts (the caller's loop then decides). */
function untilReleased(released: Promise<void>, ms: number, signal: AbortSignal | undefined, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, ms);
    function done(): void {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
    void released.then(done);
  });
}
