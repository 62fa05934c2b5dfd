/**
 * The interfaces (ports) adapters implement: the core does no I/O of its own.
 *
 * @module
 */
import type { HttpRequestDescription, HttpResponseData } from "./http.ts";
import type { TokenSet } from "./token_set.ts";

/** Options of one transport call. */
export interface TransportOptions {
  /** Cancels the call. */
  signal?: AbortSignal | undefined;
  /** Gives up after this many ms. */
  timeoutMs?: number;
}

/**
 * Sends a request description and returns the response as data. Implementations must not follow
 * redirects on token calls, must not retry token POSTs, and must return error statuses (not throw)
 * so the core's parsers see OAuth error bodies. Network failures throw a `TransportError`.
 */
export interface HttpTransport {
  /** Sends `request` and reads the whole response. */
  send(request: HttpRequestDescription, options?: TransportOptions): Promise<HttpResponseData>;
}

/** A stored token with its version, for compare-and-set. */
export interface StoredToken {
  /** The token set. */
  readonly tokens: TokenSet;
  /** Increases on every write; compare-and-set writes name the version they read. */
  readonly version: number;
}

/** Options of {@link TokenStore.set} and {@link TokenStore.delete}. */
export interface CompareAndSetOptions {
  /** Write only if the stored version is this one (`null`: only if nothing is stored). Omit for an unconditional write. */
  expectedVersion?: number | null;
}

/** A held lock; release it exactly once. */
export interface TokenLock {
  /** Releases the lock if this holder still owns it (a lock that expired and was taken by another is left alone). */
  release(): Promise<void>;
}

/** Options of {@link TokenStore.lock}. */
export interface LockOptions {
  /** The lock expires by itself after this many ms, so a crashed holder cannot block others forever. */
  ttlMs: number;
  /** Give up waiting after this many ms (throws `LockTimeoutError`). */
  waitMs?: number;
  /** Cancels the wait. */
  signal?: AbortSignal | undefined;
}

/**
 * Where tokens live: memory, a file, the browser, Redis. Keys come from `formatTokenKey`.
 * Writes are atomic: a reader sees the old or the new token, never a mix.
 */
export interface TokenStore {
  /** Reads a token and its version. */
  get(key: string): Promise<StoredToken | undefined>;
  /**
   * Writes a token; returns the new version.
   * @throws {VersionConflictError} `expectedVersion` was given and does not match.
   */
  set(key: string, tokens: TokenSet, options?: CompareAndSetOptions): Promise<number>;
  /** Deletes a token; returns whether one was deleted. */
  delete(key: string, options?: CompareAndSetOptions): Promise<boolean>;
  /** Lists the stored keys that start with `prefix`. */
  list(prefix?: string): Promise<string[]>;
  /** Takes a lock covering read → refresh → write across processes, when the store can. */
  lock?(key: string, options: LockOptions): Promise<TokenLock>;
}

/** What the limiter learns when a request's response arrives. */
export interface PermitOutcome {
  /** The HTTP status, if a response came. */
  status?: number;
  /** A server-imposed wait (from a 429 or a throttle error), in ms: the whole key pauses for it. */
  retryAfterMs?: number;
}

/**
 * A reserved slot. Two-phase: reserved at send, settled when the response arrives, so a slot
 * is measured from when the server counted it.
 */
export interface RateLimitPermit {
  /** The response arrived (or the request failed): settle the slot at the current time. */
  settle(outcome?: PermitOutcome): void | Promise<void>;
  /** The request was never sent: give the slot back. */
  cancel(): void | Promise<void>;
}

/** Options of {@link RateLimiter.acquire}. */
export interface AcquireOptions {
  /** Stop waiting (throws `AbortedError`). */
  signal?: AbortSignal | undefined;
}

/** Spaces requests so a client uses its quota without a 429. */
export interface RateLimiter {
  /** Waits for a slot on `key` (FIFO per key) and reserves it. */
  acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit>;
  /** The server said "wait": freeze `key` for `waitMs`. */
  pause(key: string, waitMs: number): void | Promise<void>;
}
