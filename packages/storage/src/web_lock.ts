import { AbortedError, ConfigError, LockTimeoutError, systemClock } from "@mly/auth-core";
import type { Clock, LockOptions, TokenLock } from "@mly/auth-core";

/** Options of {@link acquireWebLock}: the lock's TTL and wait, and the clock they run on. */
export interface WebLockOptions extends LockOptions {
  /**
   * The clock of the wait and the TTL.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** The part of the Web Locks API (`navigator.locks`) that mly uses. */
export interface WebLockManager {
  /** `LockManager.request` with options. */
  request(name: string, options: { mode?: "exclusive" | "shared"; signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

/** The page's `navigator.locks`, if there is one. */
export function defaultLockManager(): WebLockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: WebLockManager } }).navigator;
  return nav?.locks;
}

/**
 * Takes an exclusive Web Lock (`navigator.locks`), shared by every tab and worker of the
 * origin: one refresh across tabs. The lock is given up by itself after `ttlMs` (and by the
 * browser when the tab closes); `release()` after that is a no-op, so it never frees a later
 * holder's lock.
 *
 * @example
 * ```ts
 * import { acquireWebLock } from "@mly/storage/browser";
 *
 * const lock = await acquireWebLock("mly:refresh:mapillary:1234:default", { ttlMs: 30_000, waitMs: 10_000 });
 * try {
 *   // read → refresh → write
 * } finally {
 *   await lock.release();
 * }
 * ```
 *
 * @throws {LockTimeoutError} not taken within `waitMs`.
 * @throws {AbortedError} `signal` aborted.
 * @throws {ConfigError} the Web Locks API is missing.
 */
export function acquireWebLock(name: string, options: WebLockOptions, locks: WebLockManager | undefined = defaultLockManager()): Promise<TokenLock> {
  if (locks === undefined) return Promise.reject(new ConfigError("The Web Locks API (navigator.locks) is not available here; it needs a secure context (HTTPS or localhost)."));
  if (options.signal?.aborted === true) return Promise.reject(new AbortedError());
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const controller = new AbortController();
  let why: "timeout" | "abort" | undefined;
  const timer =
    options.waitMs === undefined
      ? undefined
      : clock.setTimeout(() => {
          why = "timeout";
          controller.abort();
        }, options.waitMs);
  const onAbort = (): void => {
    why ??= "abort";
    controller.abort();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const cleanup = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  };
  return new Promise<TokenLock>((resolve, reject) => {
    let free = (): void => undefined;
    const held = new Promise<void>((done) => {
      free = done;
    });
    locks
      .request(name, { mode: "exclusive", signal: controller.signal }, async () => {
        cleanup();
        const ttl = clock.setTimeout(free, options.ttlMs);
        let released = false;
        resolve({
          release(): Promise<void> {
            if (!released) {
              released = true;
              clock.clearTimeout(ttl);
              free();
            }
            return Promise.resolve();
          },
        });
        await held;
        clock.clearTimeout(ttl);
      })
      .catch((error: unknown) => {
        cleanup();
        if (why === "timeout") reject(new LockTimeoutError(name, clock.now() - started));
        else if (why === "abort") reject(new AbortedError());
        else reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}
