import { nextVersion } from "./_next_version.ts";
import { StorageError, VersionConflictError } from "@mly/auth-core";
import type { CompareAndSetOptions, LockOptions, StoredToken, TokenLock, TokenSet, TokenStore } from "@mly/auth-core";
import type { TokenCipher } from "./aes_gcm_cipher.ts";
import { checkEnvelope, envelopeBody, makeEnvelope, openEnvelope, tokenDamage, type TokenEnvelope } from "./_envelope.ts";
import { defaultLockManager, acquireWebLock, type WebLockManager } from "./web_lock.ts";

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) the store uses. */
export interface WebStorageLike {
  /** Number of items. */
  readonly length: number;
  /** The name of the n-th item. */
  key(index: number): string | null;
  /** Reads an item. */
  getItem(key: string): string | null;
  /** Writes an item. */
  setItem(key: string, value: string): void;
  /** Removes an item. */
  removeItem(key: string): void;
}

/** Options of {@link WebStorageTokenStore}. */
export interface WebStorageTokenStoreOptions {
  /** `localStorage` (shared by the origin's tabs, survives restarts) or `sessionStorage` (one tab). */
  storage: WebStorageLike;
  /** Prefix of every item name (default `mly:`). */
  prefix?: string;
  /** Encrypts tokens at rest (see `createAesGcmCipher`; keep the key out of the same storage, e.g. a non-extractable CryptoKey in IndexedDB). */
  cipher?: TokenCipher;
  /** The Web Locks API (default `navigator.locks`); without it writes are atomic only within the tab and `lock` fails. */
  locks?: WebLockManager;
}

/**
 * A {@link TokenStore} on `localStorage` or `sessionStorage`. Each write's read-compare-write
 * runs under a Web Lock, so compare-and-set holds across tabs; {@link WebStorageTokenStore.lock}
 * takes a Web Lock for a single refresh across tabs. A damaged item is moved aside to
 * `<prefix>corrupt:<time>:<key>` and reported as a `StorageError`.
 *
 * @example
 * ```ts
 * import { WebStorageTokenStore } from "@mly/storage/browser";
 *
 * const store = new WebStorageTokenStore({ storage: localStorage });
 * const stored = await store.get("mapillary:1234:default");
 * ```
 */
export class WebStorageTokenStore implements TokenStore {
  readonly #storage: WebStorageLike;
  readonly #prefix: string;
  readonly #cipher: TokenCipher | undefined;
  readonly #locks: WebLockManager | undefined;

  /** Creates a store over a Web Storage area. */
  constructor(options: WebStorageTokenStoreOptions) {
    this.#storage = options.storage;
    this.#prefix = options.prefix ?? "mly:";
    this.#cipher = options.cipher;
    this.#locks = options.locks ?? defaultLockManager();
  }

  /** Reads a token and its version. */
  async get(key: string): Promise<StoredToken | undefined> {
    const name = this.#itemName(key);
    const text = this.#storage.getItem(name);
    if (text === null) return undefined;
    const envelope = this.#parse(name, key, text);
    try {
      return Object.freeze({ tokens: await openEnvelope(envelope, key, `item ${JSON.stringify(name)}`, this.#cipher), version: envelope.version });
    } catch (error) {
      const damage = tokenDamage(error);
      if (damage === undefined) throw error;
      throw this.#quarantine(name, key, text, damage);
    }
  }

  /** Writes a token; returns the new version. */
  async set(key: string, tokens: TokenSet, options: CompareAndSetOptions = {}): Promise<number> {
    const name = this.#itemName(key);
    // Seal first (async), then compare-and-write with no await in between.
    const body = await envelopeBody(key, tokens, this.#cipher);
    return this.#exclusive(key, () => {
      const current = this.#version(name, key);
      check(key, current, options);
      const version = nextVersion(current);
      this.#storage.setItem(name, JSON.stringify(makeEnvelope(version, body)));
      return version;
    });
  }

  /** Deletes a token; returns whether one was deleted. */
  delete(key: string, options: CompareAndSetOptions = {}): Promise<boolean> {
    const name = this.#itemName(key);
    return this.#exclusive(key, () => {
      const current = this.#version(name, key);
      check(key, current, options);
      if (current === null) return false;
      this.#storage.removeItem(name);
      return true;
    });
  }

  /** Lists the stored keys that start with `prefix`, sorted. */
  list(prefix = ""): Promise<string[]> {
    const itemPrefix = `${this.#prefix}token:`;
    const keys: string[] = [];
    for (let i = 0; i < this.#storage.length; i++) {
      const name = this.#storage.key(i);
      if (name?.startsWith(itemPrefix) !== true) continue;
      const key = name.slice(itemPrefix.length);
      if (key.startsWith(prefix)) keys.push(key);
    }
    return Promise.resolve(keys.sort());
  }

  /** Takes the Web Lock on `key` for read → refresh → write across tabs. */
  lock(key: string, options: LockOptions): Promise<TokenLock> {
    return acquireWebLock(`${this.#prefix}lock:${key}`, options, this.#locks);
  }

  #itemName(key: string): string {
    return `${this.#prefix}token:${key}`;
  }

  async #exclusive<T>(key: string, work: () => T): Promise<T> {
    if (this.#locks === undefined) return work();
    let outcome: { value: T } | { error: unknown } | undefined;
    await this.#locks.request(`${this.#prefix}write:${key}`, { mode: "exclusive" }, () => {
      try {
        outcome = { value: work() };
      } catch (error) {
        outcome = { error };
      }
      return Promise.resolve();
    });
    if (outcome === undefined) throw new StorageError("The write lock callback did not run.");
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }

  #version(name: string, key: string): number | null {
    const text = this.#storage.getItem(name);
    return text === null ? null : this.#parse(name, key, text).version;
  }

  #parse(name: string, key: string, text: string): TokenEnvelope {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.#quarantine(name, key, text, "not JSON");
    }
    const envelope = checkEnvelope(value);
    if (typeof envelope === "string") throw this.#quarantine(name, key, text, envelope);
    return envelope;
  }

  #quarantine(name: string, key: string, text: string, reason: string): StorageError {
    const aside = `${this.#prefix}corrupt:${new Date().toISOString()}:${key}`;
    if (this.#storage.getItem(name) === text) {
      this.#storage.setItem(aside, text);
      this.#storage.removeItem(name);
    }
    return new StorageError(
      `The stored token item ${JSON.stringify(name)} is damaged (${reason}). It was moved to ${JSON.stringify(aside)}; log in again to store a new token.`,
    );
  }
}

function check(key: string, current: number | null, options: CompareAndSetOptions): void {
  if (options.expectedVersion === undefined) return;
  if (current !== options.expectedVersion) throw new VersionConflictError(key, options.expectedVersion, current);
}
