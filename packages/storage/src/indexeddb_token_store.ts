import { nextVersion } from "./_next_version.ts";
import { StorageError, VersionConflictError } from "@mly/auth-core";
import type { CompareAndSetOptions, LockOptions, StoredToken, TokenLock, TokenSet, TokenStore } from "@mly/auth-core";
import type { TokenCipher } from "./aes_gcm_cipher.ts";
import { checkEnvelope, envelopeBody, makeEnvelope, openEnvelope, tokenDamage } from "./_envelope.ts";
import { defaultLockManager, acquireWebLock, type WebLockManager } from "./web_lock.ts";

/** Options of {@link IndexedDbTokenStore}. */
export interface IndexedDbTokenStoreOptions {
  /** The database name (default `mly-tokens`). */
  database?: string;
  /** The `IDBFactory` (default `indexedDB`). */
  indexedDB?: IDBFactory;
  /** Encrypts tokens at rest (see `createAesGcmCipher`; a non-extractable CryptoKey can itself live in IndexedDB). */
  cipher?: TokenCipher;
  /** The Web Locks API (default `navigator.locks`), for {@link IndexedDbTokenStore.lock}. */
  locks?: WebLockManager;
}

const STORE = "tokens";
const CORRUPT = "corrupt";

/**
 * A {@link TokenStore} on IndexedDB. Compare-and-set runs inside one `readwrite` transaction,
 * which IndexedDB serializes across tabs; {@link IndexedDbTokenStore.lock} takes a Web Lock for
 * a single refresh across tabs. A damaged record is moved to the `corrupt` object store and
 * reported as a `StorageError`.
 *
 * @example
 * ```ts
 * import { IndexedDbTokenStore } from "@mly/storage/browser";
 *
 * const store = new IndexedDbTokenStore();
 * const keys = await store.list("mapillary:");
 * ```
 */
export class IndexedDbTokenStore implements TokenStore {
  readonly #name: string;
  readonly #factory: IDBFactory | undefined;
  readonly #cipher: TokenCipher | undefined;
  readonly #locks: WebLockManager | undefined;
  #db: Promise<IDBDatabase> | undefined;

  /** Creates a store; the database opens on first use. */
  constructor(options: IndexedDbTokenStoreOptions = {}) {
    this.#name = options.database ?? "mly-tokens";
    this.#factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    this.#cipher = options.cipher;
    this.#locks = options.locks ?? defaultLockManager();
  }

  /** Reads a token and its version. */
  async get(key: string): Promise<StoredToken | undefined> {
    const db = await this.#open();
    const value: unknown = await settled<unknown>(db.transaction(STORE, "readonly").objectStore(STORE).get(key));
    if (value === undefined) return undefined;
    const envelope = checkEnvelope(value);
    if (typeof envelope === "string") throw await this.#quarantine(db, key, envelope);
    try {
      return Object.freeze({ tokens: await openEnvelope(envelope, key, `record ${JSON.stringify(key)}`, this.#cipher), version: envelope.version });
    } catch (error) {
      const damage = tokenDamage(error);
      if (damage === undefined) throw error;
      throw await this.#quarantine(db, key, damage);
    }
  }

  /** Writes a token in one transaction; returns the new version. */
  async set(key: string, tokens: TokenSet, options: CompareAndSetOptions = {}): Promise<number> {
    const body = await envelopeBody(key, tokens, this.#cipher);
    const db = await this.#open();
    return this.#readWrite(db, key, options, (store, current) => {
      const version = nextVersion(current);
      store.put(makeEnvelope(version, body), key);
      return version;
    });
  }

  /** Deletes a token in one transaction; returns whether one was deleted. */
  async delete(key: string, options: CompareAndSetOptions = {}): Promise<boolean> {
    const db = await this.#open();
    return this.#readWrite(db, key, options, (store, current) => {
      if (current === null) return false;
      store.delete(key);
      return true;
    });
  }

  /** Lists the stored keys that start with `prefix`, sorted. */
  async list(prefix = ""): Promise<string[]> {
    const db = await this.#open();
    const keys = await settled(db.transaction(STORE, "readonly").objectStore(STORE).getAllKeys());
    return keys.filter((key): key is string => typeof key === "string" && key.startsWith(prefix)).sort();
  }

  /** Takes the Web Lock on `key` for read → refresh → write across tabs. */
  lock(key: string, options: LockOptions): Promise<TokenLock> {
    return acquireWebLock(`${this.#name}:lock:${key}`, options, this.#locks);
  }

  /** Closes the database connection. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db !== undefined) (await db).close();
  }

  #open(): Promise<IDBDatabase> {
    const factory = this.#factory;
    if (factory === undefined) return Promise.reject(new StorageError("IndexedDB is not available here."));
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(this.#name, 1);
      request.onupgradeneeded = (): void => {
        request.result.createObjectStore(STORE);
        request.result.createObjectStore(CORRUPT);
      };
      request.onsuccess = (): void => {
        resolve(request.result);
      };
      request.onerror = (): void => {
        this.#db = undefined;
        reject(new StorageError(`Cannot open the IndexedDB database ${JSON.stringify(this.#name)} (${request.error?.name ?? "unknown error"}). Check the browser's storage settings.`));
      };
      request.onblocked = (): void => {
        this.#db = undefined;
        reject(new StorageError(`The IndexedDB database ${JSON.stringify(this.#name)} is blocked by an older version open in another tab. Close the other tabs.`));
      };
    });
    return this.#db;
  }

  #readWrite<T>(db: IDBDatabase, key: string, options: CompareAndSetOptions, write: (store: IDBObjectStore, current: number | null) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction([STORE, CORRUPT], "readwrite");
      const store = tx.objectStore(STORE);
      let result: { value: T } | undefined;
      let failure: unknown;
      const read = store.get(key);
      read.onsuccess = (): void => {
        const value: unknown = read.result;
        let current: number | null = null;
        if (value !== undefined) {
          const envelope = checkEnvelope(value);
          if (typeof envelope === "string") {
            const aside = `${new Date().toISOString()}:${key}`;
            tx.objectStore(CORRUPT).put(value, aside);
            store.delete(key);
            failure = damagedTokenError(key, envelope, aside);
            return;
          }
          current = envelope.version;
        }
        if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
          failure = new VersionConflictError(key, options.expectedVersion, current);
          tx.abort();
          return;
        }
        result = { value: write(store, current) };
      };
      tx.oncomplete = (): void => {
        if (failure instanceof Error) reject(failure);
        else if (result !== undefined) resolve(result.value);
        else reject(new StorageError("The IndexedDB transaction completed without a result."));
      };
      tx.onabort = (): void => {
        reject(failure instanceof Error ? failure : new StorageError(`The IndexedDB write of ${JSON.stringify(key)} was aborted (${tx.error?.name ?? "unknown"}).`));
      };
    });
  }

  async #quarantine(db: IDBDatabase, key: string, reason: string): Promise<StorageError> {
    const aside = `${new Date().toISOString()}:${key}`;
    const tx = db.transaction([STORE, CORRUPT], "readwrite");
    const value: unknown = await settled(tx.objectStore(STORE).get(key));
    if (value !== undefined) {
      tx.objectStore(CORRUPT).put(value, aside);
      tx.objectStore(STORE).delete(key);
    }
    await new Promise<void>((resolve) => {
      tx.oncomplete = (): void => {
        resolve();
      };
      tx.onabort = (): void => {
        resolve();
      };
    });
    return damagedTokenError(key, reason, aside);
  }
}

function damagedTokenError(key: string, reason: string, aside: string): StorageError {
  return new StorageError(
    `The stored token record ${JSON.stringify(key)} is damaged (${reason}). It was moved to the "corrupt" object store as ${JSON.stringify(aside)}; log in again to store a new token.`,
  );
}

function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = (): void => {
      resolve(request.result);
    };
    request.onerror = (): void => {
      reject(new StorageError(`IndexedDB request failed (${request.error?.name ?? "unknown error"}).`));
    };
  });
}
