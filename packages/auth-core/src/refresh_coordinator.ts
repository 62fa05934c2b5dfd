import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { abortable } from "./abortable.ts";
import { deadlineSignal } from "./deadline_signal.ts";
import { AbortedError, GraphApiError, HttpError, LoginRequiredError, MlyError, OAuthError, RateLimitedError, TransportError, VersionConflictError } from "./errors.ts";
import type { StoredToken, TokenLock, TokenStore } from "./ports.ts";
import type { Secret } from "./secret.ts";
import { emitEvent, errorFields, type MlyEventListener } from "./telemetry.ts";
import type { TokenRenewer } from "./token_renewer.ts";
import { isUsable, needsRefresh, type RefreshPolicy, type TokenSet } from "./token_set.ts";

/** Options of {@link RefreshCoordinator}. */
export interface RefreshCoordinatorOptions {
  /** Where tokens live. */
  store: TokenStore;
  /** How a token is renewed (see `createTokenRenewer`). */
  renew: TokenRenewer;
  /** The clock (default: the system clock). */
  clock?: Clock;
  /** When to refresh ahead of expiry. */
  policy?: RefreshPolicy;
  /**
   * TTL of the store's lock around read → refresh → write, in ms (default 90 s). The renewal is
   * aborted 10 s before the lock would expire, so no second process can start a refresh with the
   * same grant while this one is still running.
   */
  lockTtlMs?: number;
  /** How long to wait for another process's refresh, in ms (default: the lock TTL). */
  lockWaitMs?: number;
  /**
   * Told when the store could not be written or its lock not released. The coordinator keeps a
   * renewed token it could not save in memory, hands it out, and retries the write on the next
   * call, so a rotated refresh token is never lost to a failing store.
   */
  onStoreError?: (error: unknown, key: string) => void;
  /**
   * How many keys keep their fresh token in process (least recently used first out). A cached
   * token is handed out without reading the store until it enters its refresh margin or the API
   * rejects it (`renewRejected`); then the store is read again, so a token another process renewed
   * is picked up by then. Concurrent reads of one key share one store read. `0` reads the store on
   * every call.
   *
   * @default {1000}
   */
  cacheSize?: number;
  /**
   * Receives `refresh.start`, `refresh.success`, `refresh.failure` (one each per token request,
   * durations on `clock`) and `store.error` events; never a token. A listener that throws is
   * ignored.
   */
  onEvent?: MlyEventListener | undefined;
}

/** Options of one {@link RefreshCoordinator.getToken} call. */
export interface GetTokenOptions {
  /** Stop waiting (the shared refresh goes on for the others). */
  signal?: AbortSignal | undefined;
}

/** Why a renewal runs: it is due, the API rejected a token, or a caller asked for it. */
type RenewalReason =
  | { kind: "due" }
  | { kind: "rejected"; token: Secret }
  | { kind: "requested"; seenVersion: number };

/**
 * Hands out a usable access token per key: refreshes ahead of expiry, at most one refresh in
 * flight per key in this process (every waiter gets the same result or the same error), the
 * store's lock across processes when it has one, and one re-read of the store after
 * `invalid_grant` (another process may have rotated the refresh token).
 *
 * @example
 * ```ts
 * import { createClient, mapiq, type HttpTransport } from "@mly/auth-core";
 * import { MemoryTokenStore, RefreshCoordinator, createTokenRenewer } from "@mly/auth-core/orchestration";
 *
 * declare const transport: HttpTransport;
 * const coordinator = new RefreshCoordinator({
 *   store: new MemoryTokenStore(),
 *   renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport }),
 * });
 * const tokens = await coordinator.getToken("mapiq:id:default");
 * ```
 */
export class RefreshCoordinator {
  readonly #options: RefreshCoordinatorOptions;
  readonly #clock: Clock;
  readonly #inflight = new Map<string, Promise<TokenSet>>();
  /** Renewed tokens the store failed to take, by key (retried on the next call). */
  readonly #unsaved = new Map<string, TokenSet>();
  /** Fresh tokens by key, least recently used first. */
  readonly #cache = new Map<string, TokenSet>();
  readonly #cacheSize: number;
  /** Store reads in flight, by key, shared by concurrent callers. */
  readonly #reads = new Map<string, Promise<StoredToken | undefined>>();
  #refreshes = 0;

  /** Creates a coordinator over a store and a renewer. */
  constructor(options: RefreshCoordinatorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#cacheSize = options.cacheSize ?? 1000;
  }

  /** How many renewals this coordinator has started (for tests, metrics and demos). */
  get refreshCount(): number {
    return this.#refreshes;
  }

  /**
   * A usable token for `key`, renewed first when it is due.
   *
   * @throws {LoginRequiredError} no token and none can be obtained without the user.
   */
  async getToken(key: string, options: GetTokenOptions = {}): Promise<TokenSet> {
    if (options.signal?.aborted === true) throw new AbortedError();
    const inflight = this.#inflight.get(key);
    if (inflight !== undefined) return abortable(inflight, options.signal);
    const cached = this.#cached(key);
    if (cached !== undefined) return cached;
    const stored = await abortable(this.#sharedRead(key), options.signal);
    if (stored !== undefined && this.#fresh(stored.tokens)) {
      this.#remember(key, stored.tokens);
      return stored.tokens;
    }
    return abortable(this.#single(key, { kind: "due" }), options.signal);
  }

  /**
   * Drops what this coordinator keeps in process for `key` (call it after deleting the key from
   * the store yourself, e.g. at logout): the next call reads the store.
   */
  forget(key: string): void {
    this.#cache.delete(key);
  }

  /**
   * The API rejected `rejected` (401 / Graph 190): renew it, unless the stored token is
   * already a different one (another caller renewed it), in which case that one is returned.
   * Concurrent calls for the same rejected token share one renewal.
   *
   * @throws {LoginRequiredError} the renewal was refused.
   */
  async renewRejected(key: string, rejected: Secret, options: GetTokenOptions = {}): Promise<TokenSet> {
    if (options.signal?.aborted === true) throw new AbortedError();
    if (this.#cache.get(key)?.accessToken.equals(rejected) === true) this.#cache.delete(key);
    const inflight = this.#inflight.get(key);
    if (inflight !== undefined) return abortable(inflight, options.signal);
    const stored = await this.#current(key);
    if (stored !== undefined && !stored.tokens.accessToken.equals(rejected) && isUsable(stored.tokens, this.#clock.now())) {
      this.#remember(key, stored.tokens);
      return stored.tokens;
    }
    return abortable(this.#single(key, { kind: "rejected", token: rejected }), options.signal);
  }

  /**
   * Renews the token of `key` now, due or not (`mly refresh`: renew a long-lived token early).
   * Shares a renewal already in flight for `key`; when another process renews it between this
   * call's read and the store's lock, that renewal is the answer (the grant is not used twice).
   * A transient failure is thrown, never answered with the old token.
   *
   * @throws {LoginRequiredError} nothing is stored under `key`, or the renewal was refused.
   */
  async refresh(key: string, options: GetTokenOptions = {}): Promise<TokenSet> {
    if (options.signal?.aborted === true) throw new AbortedError();
    const inflight = this.#inflight.get(key);
    if (inflight !== undefined) return abortable(inflight, options.signal);
    const stored = await this.#current(key);
    if (stored === undefined) throw new LoginRequiredError("No token is stored under this key to renew: log in first.");
    return abortable(this.#single(key, { kind: "requested", seenVersion: stored.version }), options.signal);
  }

  /** The cached token of `key` while it is fresh (a stale one is dropped); none while a renewed token awaits its write. */
  #cached(key: string): TokenSet | undefined {
    const tokens = this.#cache.get(key);
    if (tokens === undefined || this.#unsaved.has(key)) return undefined;
    this.#cache.delete(key);
    if (!this.#fresh(tokens)) return undefined;
    this.#cache.set(key, tokens); // most recently used last
    return tokens;
  }

  /** Keeps a fresh token of `key` in process, evicting the least recently used key past `cacheSize`. */
  #remember(key: string, tokens: TokenSet): void {
    this.#cache.delete(key);
    if (this.#cacheSize <= 0 || !this.#fresh(tokens)) return;
    this.#cache.set(key, tokens);
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }

  /** One store read of `key` shared by every caller that asks while it runs. */
  #sharedRead(key: string): Promise<StoredToken | undefined> {
    const running = this.#reads.get(key);
    if (running !== undefined) return running;
    const read = this.#current(key).finally(() => this.#reads.delete(key));
    this.#reads.set(key, read);
    return read;
  }

  #fresh(tokens: TokenSet): boolean {
    const now = this.#clock.now();
    return isUsable(tokens, now, this.#options.policy?.clockSkewMs) && !needsRefresh(tokens, now, this.#options.policy);
  }

  #single(key: string, reason: RenewalReason): Promise<TokenSet> {
    const existing = this.#inflight.get(key);
    if (existing !== undefined) return existing;
    this.#cache.delete(key);
    const promise = this.#renew(key, reason)
      .then((tokens) => {
        this.#remember(key, tokens);
        return tokens;
      })
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #renew(key: string, reason: RenewalReason): Promise<TokenSet> {
    const store = this.#options.store;
    const ttlMs = this.#options.lockTtlMs ?? 90_000;
    let lock: TokenLock | undefined;
    if (store.lock !== undefined) lock = await store.lock(key, { ttlMs, waitMs: this.#options.lockWaitMs ?? ttlMs });
    try {
      const stored = await this.#current(key);
      if (stored !== undefined && this.#renewedElsewhere(stored, reason)) return stored.tokens;
      let renewed: TokenSet;
      const onEvent = this.#options.onEvent;
      const startedAt = this.#clock.now();
      // The renewal must end while the lock is still ours: its deadline runs on the same clock.
      const renewDeadline = deadlineSignal(Math.max(1_000, ttlMs - 10_000), { clock: this.#clock });
      try {
        this.#refreshes++;
        emitEvent(onEvent, { type: "refresh.start", key });
        renewed = await this.#options.renew(stored?.tokens, { signal: renewDeadline.signal });
      } catch (thrown) {
        // A renewer is the user's code: whatever it rejects with, callers get an Error (the value is kept as its cause, never in the message).
        const error = thrown instanceof Error ? thrown : new Error("The token renewer failed with a value that is not an Error.", { cause: thrown });
        emitEvent(onEvent, { type: "refresh.failure", key, durationMs: this.#clock.now() - startedAt, ...errorFields(error) });
        return await this.#afterFailure(key, stored, reason, error);
      } finally {
        renewDeadline.clear();
      }
      emitEvent(onEvent, { type: "refresh.success", key, durationMs: this.#clock.now() - startedAt });
      await this.#save(key, renewed, stored);
      return renewed;
    } finally {
      // A failed release only delays the others by the TTL: it must not turn a refresh into an error.
      await lock?.release().catch((error: unknown) => {
        this.#storeError(error, key);
      });
    }
  }

  /** The stored token, or a renewed one the store has not taken yet (whose write is retried now). */
  async #current(key: string): Promise<StoredToken | undefined> {
    const stored = await this.#options.store.get(key);
    const unsaved = this.#unsaved.get(key);
    if (unsaved === undefined) return stored;
    if (stored !== undefined && stored.tokens.issuedAt > unsaved.issuedAt) {
      this.#unsaved.delete(key);
      return stored;
    }
    try {
      const version = await this.#options.store.set(key, unsaved, { expectedVersion: stored?.version ?? null });
      this.#unsaved.delete(key);
      return { tokens: unsaved, version };
    } catch (error) {
      this.#storeError(error, key);
      return { tokens: unsaved, version: stored?.version ?? 0 };
    }
  }

  /** Writes a renewed token; never loses it (see `onStoreError`). */
  async #save(key: string, renewed: TokenSet, read: StoredToken | undefined): Promise<void> {
    const store = this.#options.store;
    try {
      await store.set(key, renewed, { expectedVersion: read?.version ?? null });
      this.#unsaved.delete(key);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) {
        this.#unsaved.set(key, renewed);
        this.#storeError(error, key);
        return;
      }
    }
    // Someone wrote meanwhile (a store without a lock, or a new login): keep the newer of the two.
    try {
      const current = await store.get(key);
      if (current === undefined || current.tokens.issuedAt <= renewed.issuedAt) await store.set(key, renewed, { expectedVersion: current?.version ?? null });
      this.#unsaved.delete(key);
    } catch (error) {
      this.#unsaved.set(key, renewed);
      this.#storeError(error, key);
    }
  }

  /** Tells `onStoreError` and `onEvent` that the store failed. */
  #storeError(error: unknown, key: string): void {
    this.#options.onStoreError?.(error, key);
    emitEvent(this.#options.onEvent, { type: "store.error", key, code: errorFields(error).code });
  }

  /** Under the lock: has another caller already done what `reason` asks? */
  #renewedElsewhere(stored: StoredToken, reason: RenewalReason): boolean {
    switch (reason.kind) {
      case "due":
        return this.#fresh(stored.tokens);
      case "rejected":
        return !stored.tokens.accessToken.equals(reason.token) && isUsable(stored.tokens, this.#clock.now());
      case "requested":
        return stored.version !== reason.seenVersion && isUsable(stored.tokens, this.#clock.now());
    }
  }

  async #afterFailure(key: string, stored: StoredToken | undefined, reason: RenewalReason, error: unknown): Promise<TokenSet> {
    if (grantRejected(error)) {
      // Another process may have rotated the refresh token: re-read once.
      const again = await this.#options.store.get(key);
      if (again !== undefined && again.version !== stored?.version && isUsable(again.tokens, this.#clock.now())) return again.tokens;
      if (error instanceof LoginRequiredError) throw error;
      throw new LoginRequiredError("The server refused to renew the token (it was revoked, expired or already rotated). Log in again.", {
        cause: error,
      });
    }
    // A transient failure while the current token still works: keep using it; the next call
    // retries. Not when the API has just rejected that very token (handing it out again would
    // only earn another 401), nor when the caller asked for a renewal: there the transient error
    // is the honest answer.
    if (isTransient(error) && reason.kind === "due" && stored !== undefined && isUsable(stored.tokens, this.#clock.now())) return stored.tokens;
    throw error;
  }
}

function grantRejected(error: unknown): boolean {
  if (error instanceof OAuthError) return error.error === "invalid_grant";
  if (error instanceof GraphApiError) return error.graphCode === 190;
  return error instanceof MlyError && error.code === "login_required";
}

function isTransient(error: unknown): boolean {
  return (
    error instanceof TransportError ||
    error instanceof RateLimitedError ||
    (error instanceof HttpError && (error.status ?? 0) >= 500)
  );
}
