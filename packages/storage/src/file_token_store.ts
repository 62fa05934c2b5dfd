import { nextVersion } from "./_next_version.ts";
import { constants } from "node:fs";
import { chmod, lstat, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { LockTimeoutError, StorageError, VersionConflictError, parseTokenKey } from "@mly/auth-core";
import type { CompareAndSetOptions, LockOptions, StoredToken, TokenKey, TokenLock, TokenSet, TokenStore } from "@mly/auth-core";
import type { TokenCipher } from "./aes_gcm_cipher.ts";
import { checkEnvelope, envelopeBody, makeEnvelope, openEnvelope, tokenDamage, type TokenEnvelope } from "./_envelope.ts";
import { fsyncDirectory, isCode, writeFileAtomic } from "./_atomic_file.ts";
import { acquireFileLock, codeOf } from "./_file_lock.ts";
import { fileNameForKey, isTempFileName, isTokenFileName, keyForFileName } from "./_file_names.ts";
import { defaultTokenDirectory } from "./default_token_directory.ts";

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** Where token files live (default {@link defaultTokenDirectory}: `$XDG_CONFIG_HOME/mly` or `~/.config/mly`). Created with mode 0700. */
  directory?: string;
  /** Encrypts tokens at rest (see `createAesGcmCipher`). Without it tokens are plain JSON in 0600 files. */
  cipher?: TokenCipher;
  /** fsync files and the directory on every write (default `true`; turn off only for throwaway test data). */
  durable?: boolean;
  /** TTL of the short internal lock taken around each write's read-compare-write, in ms (default 10 s). */
  writeLockTtlMs?: number;
  /** How long a write waits for another process's write, in ms (default 30 s). */
  writeLockWaitMs?: number;
}

/** The document stored in each token file: the envelope, with the key it belongs to and the time of the write. */
interface FileDocument extends TokenEnvelope {
  key: string;
  updatedAt: number;
}

const STALE_TEMP_MS = 60_000;
/** The open flags of the platform; `O_NOFOLLOW` and `O_NONBLOCK` do not exist on Windows. */
const platformFlags: Partial<typeof constants> = constants;
/** Opens a token file for reading without following a symbolic link, nor blocking on a FIFO. */
const READ_NO_FOLLOW = constants.O_RDONLY | (platformFlags.O_NOFOLLOW ?? 0) | (platformFlags.O_NONBLOCK ?? 0);

/** Opens a file for reading, failing with `ELOOP` when it is a symbolic link (`O_NOFOLLOW`; `lstat` first where that flag does not exist). */
async function openNoFollow(path: string): Promise<FileHandle> {
  if (platformFlags.O_NOFOLLOW === undefined && (await lstat(path)).isSymbolicLink()) {
    throw Object.assign(new Error(`ELOOP: symbolic link, open '${path}'`), { code: "ELOOP" });
  }
  return open(path, READ_NO_FOLLOW);
}

/**
 * A {@link TokenStore} on disk for Node: one JSON file per key (a named profile like
 * mapillary_tools' `--user_name` is part of the key) in a 0700 directory, each file 0600 and
 * replaced atomically (temp file, fsync, rename, fsync directory). Compare-and-set and
 * {@link FileTokenStore.lock} work across processes through lock files with an owner id and an
 * expiry; a lock left by a crashed process is recovered after its TTL or at once when its pid
 * is gone. A damaged file is moved aside as `<file>.corrupt-<time>` and reported as a
 * `StorageError` naming both paths, never overwritten.
 *
 * It trusts only what it owns: a directory owned by another user, or writable by group or others,
 * is refused (a `StorageError` saying what to fix) for as long as that holds, and a token file
 * that is a symbolic link or owned by another user is refused, never read. Temp files of failed
 * writes are removed at once, and those of killed writers when a store starts.
 *
 * @example
 * ```ts
 * import { formatTokenKey, type TokenSet } from "@mly/auth-core";
 * import { FileTokenStore } from "@mly/storage/file";
 *
 * declare const tokens: TokenSet;
 * const store = new FileTokenStore(); // ~/.config/mly
 * const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "alice" });
 * await store.set(key, tokens);
 * const stored = await store.get(key);
 * ```
 */
export class FileTokenStore implements TokenStore {
  /** The directory holding the token files. */
  readonly directory: string;
  readonly #cipher: TokenCipher | undefined;
  readonly #durable: boolean;
  readonly #writeLockTtlMs: number;
  readonly #writeLockWaitMs: number;
  #ready: Promise<void> | undefined;

  /** Creates a store; nothing touches the disk until the first call. */
  constructor(options: FileTokenStoreOptions = {}) {
    this.directory = options.directory ?? defaultTokenDirectory();
    this.#cipher = options.cipher;
    this.#durable = options.durable ?? true;
    this.#writeLockTtlMs = options.writeLockTtlMs ?? 10_000;
    this.#writeLockWaitMs = options.writeLockWaitMs ?? 30_000;
  }

  /** The file that holds `key`. */
  pathOf(key: string): string {
    return join(this.directory, fileNameForKey(key));
  }

  /**
   * Reads a token and its version.
   * @throws {StorageError} the file is unreadable (permissions) or damaged (then moved aside), or does not decrypt.
   */
  async get(key: string): Promise<StoredToken | undefined> {
    await this.#init();
    const path = this.pathOf(key);
    const text = await this.#readText(path);
    if (text === undefined) return undefined;
    const document = await this.#parseDocument(path, text, key);
    const tokens = await this.#openTokens(path, text, key, document);
    return Object.freeze({ tokens, version: document.version });
  }

  /**
   * Writes a token atomically; returns the new version.
   * @throws {VersionConflictError} `expectedVersion` does not match.
   */
  async set(key: string, tokens: TokenSet, options: CompareAndSetOptions = {}): Promise<number> {
    await this.#init();
    const path = this.pathOf(key);
    const body = await envelopeBody(key, tokens, this.#cipher);
    return this.#underWriteLock(key, path, async () => {
      const current = await this.#currentVersion(path, key);
      this.#check(key, current, options);
      const version = nextVersion(current);
      const document: FileDocument = { ...makeEnvelope(version, body), key, updatedAt: Date.now() };
      try {
        await writeFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`, this.#durable);
      } catch (error) {
        throw new StorageError(`Cannot write the token file ${path} (${codeOf(error)}). Check that ${this.directory} is writable by you and the disk is not full.`, {
          cause: error,
        });
      }
      return version;
    });
  }

  /** Deletes a token; returns whether one was deleted. */
  async delete(key: string, options: CompareAndSetOptions = {}): Promise<boolean> {
    await this.#init();
    const path = this.pathOf(key);
    return this.#underWriteLock(key, path, async () => {
      const current = await this.#currentVersion(path, key);
      this.#check(key, current, options);
      if (current === null) return false;
      try {
        await unlink(path);
      } catch (error) {
        if (isCode(error, "ENOENT")) return false;
        throw new StorageError(`Cannot delete the token file ${path} (${codeOf(error)}). Check the permissions of ${this.directory}.`, { cause: error });
      }
      if (this.#durable) await fsyncDirectory(this.directory);
      return true;
    });
  }

  /** Lists the stored keys that start with `prefix`, sorted. */
  async list(prefix = ""): Promise<string[]> {
    await this.#init();
    const keys: string[] = [];
    for (const name of await this.#names()) {
      if (!isTokenFileName(name)) continue;
      let key = keyForFileName(name);
      if (key === undefined) {
        const text = await this.#readText(join(this.directory, name));
        if (text === undefined) continue;
        try {
          const value = JSON.parse(text) as Partial<FileDocument>;
          key = typeof value.key === "string" ? value.key : undefined;
        } catch {
          key = undefined;
        }
      }
      if (key?.startsWith(prefix) === true) keys.push(key);
    }
    return keys.sort();
  }

  /**
   * The named profiles stored for a provider (and client), like mapillary_tools' user names.
   *
   * @example
   * ```ts
   * import { FileTokenStore } from "@mly/storage/file";
   *
   * const profiles = await new FileTokenStore().profiles("mapillary", "1234"); // [{ provider, clientId, profile: "alice" }, …]
   * ```
   */
  async profiles(provider: string, clientId?: string): Promise<TokenKey[]> {
    const prefix = `${encodeURIComponent(provider)}:${clientId === undefined ? "" : `${encodeURIComponent(clientId)}:`}`;
    return (await this.list(prefix)).map((key) => parseTokenKey(key)).filter((key): key is TokenKey => key !== undefined);
  }

  /**
   * Takes the cross-process lock on `key` (a `<file>.lock` next to the token file).
   * @throws {LockTimeoutError} not taken within `waitMs`.
   * @throws {AbortedError} `signal` aborted.
   */
  async lock(key: string, options: LockOptions): Promise<TokenLock> {
    await this.#init();
    return acquireFileLock(`${this.pathOf(key)}.lock`, { key, ttlMs: options.ttlMs, waitMs: options.waitMs, signal: options.signal });
  }

  /** Creates the directory and sweeps old temp files once; checks on every call that the directory is still safe. */
  async #init(): Promise<void> {
    this.#ready ??= this.#prepare().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    await this.#checkDirectory();
  }

  /** The directory's entries; a failure is a `StorageError` naming the directory. */
  async #names(): Promise<string[]> {
    try {
      return await readdir(this.directory);
    } catch (error) {
      throw new StorageError(`Cannot read the token directory ${this.directory} (${codeOf(error)}). Check that it exists and is readable by you.`, { cause: error });
    }
  }

  async #prepare(): Promise<void> {
    try {
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StorageError(`Cannot create the token directory ${this.directory} (${codeOf(error)}). Choose a writable directory with the "directory" option.`, {
        cause: error,
      });
    }
    await this.#checkDirectory();
    await this.#sweepTempFiles();
  }

  /**
   * Refuses a directory another user could write to (they could swap a token file); tightens a
   * directory of ours that others may only read to 0700.
   */
  async #checkDirectory(): Promise<void> {
    const uid = process.getuid?.();
    if (uid === undefined || process.platform === "win32") return;
    const directory = this.directory;
    let info;
    try {
      info = await stat(directory);
    } catch (error) {
      throw new StorageError(`Cannot read the token directory ${directory} (${codeOf(error)}). Check that it exists and is readable by you.`, { cause: error });
    }
    if (!info.isDirectory()) {
      throw new StorageError(`The token directory ${directory} is not a directory. Choose another path with the "directory" option.`);
    }
    if (info.uid !== uid) {
      throw new StorageError(
        `The token directory ${directory} is owned by uid ${info.uid}, not by you (uid ${uid}): that user could replace your token files. ` +
          `Use a directory you own (the "directory" option), or make it yours: chown ${uid} ${directory} && chmod 700 ${directory}.`,
      );
    }
    const mode = info.mode & 0o777;
    if ((mode & 0o022) !== 0) {
      const who = (mode & 0o020) !== 0 && (mode & 0o002) !== 0 ? "group and others" : (mode & 0o020) !== 0 ? "its group" : "others";
      throw new StorageError(
        `The token directory ${directory} is writable by ${who} (mode 0${mode.toString(8)}): they could replace your token files. ` +
          `Check what is in it, then run: chmod 700 ${directory}.`,
      );
    }
    if ((mode & 0o077) !== 0) {
      try {
        await chmod(directory, 0o700);
      } catch (error) {
        throw new StorageError(`Cannot make the token directory ${directory} private (${codeOf(error)}). Run: chmod 700 ${directory}.`, { cause: error });
      }
    }
  }

  /** Removes temp files left by writers that died or failed more than a minute ago; never any other file. */
  async #sweepTempFiles(): Promise<void> {
    for (const name of await this.#names()) {
      if (!isTempFileName(name)) continue;
      const path = join(this.directory, name);
      const info = await lstat(path).catch(() => undefined);
      if (info?.isFile() === true && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }

  async #underWriteLock<T>(key: string, path: string, work: () => Promise<T>): Promise<T> {
    let lock: TokenLock;
    try {
      lock = await acquireFileLock(`${path}.wlock`, { key, ttlMs: this.#writeLockTtlMs, waitMs: this.#writeLockWaitMs });
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        throw new StorageError(`Another process has been writing ${path} for over ${this.#writeLockWaitMs} ms. Retry later.`, { cause: error });
      }
      throw error;
    }
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  /** The text of a token file, `undefined` when there is none; a symbolic link or a file of another user is refused, never read. */
  async #readText(path: string): Promise<string | undefined> {
    let handle;
    try {
      handle = await openNoFollow(path);
    } catch (error) {
      if (isCode(error, "ENOENT")) return undefined;
      if (isCode(error, "ELOOP")) {
        throw new StorageError(`The token file ${path} is a symbolic link; token files are never read through links. Delete the link and log in again.`);
      }
      throw this.#unreadable(path, error);
    }
    try {
      const owner = (await handle.stat()).uid;
      const uid = process.getuid?.();
      if (uid !== undefined && owner !== uid) {
        throw new StorageError(`The token file ${path} is owned by uid ${owner}, not by you (uid ${uid}), so it is not read. Delete it and log in again.`);
      }
      return await handle.readFile("utf8");
    } catch (error) {
      throw error instanceof StorageError ? error : this.#unreadable(path, error);
    } finally {
      await handle.close();
    }
  }

  #unreadable(path: string, error: unknown): StorageError {
    return new StorageError(
      `Cannot read the token file ${path} (${codeOf(error)}). Check that it is owned and readable by you (mode 0600) and that ${this.directory} is mode 0700.`,
      { cause: error },
    );
  }

  /** The stored version, or `null` when no file exists; a damaged file is moved aside (we hold the write lock). */
  async #currentVersion(path: string, key: string): Promise<number | null> {
    const text = await this.#readText(path);
    if (text === undefined) return null;
    const document = this.#structure(text, key);
    if (typeof document === "string") throw await this.#quarantine(path, document, false);
    return document.version;
  }

  async #parseDocument(path: string, text: string, key: string): Promise<FileDocument> {
    const document = this.#structure(text, key);
    if (typeof document === "string") throw await this.#quarantineIfUnchanged(key, path, text, document);
    return document;
  }

  /** The document, or what is wrong with it. */
  #structure(text: string, key: string): FileDocument | string {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return text.trim() === "" ? "the file is empty" : "not JSON";
    }
    const envelope = checkEnvelope(value);
    if (typeof envelope === "string") return envelope;
    if ((envelope as Partial<FileDocument>).key !== key) return "the file belongs to another key";
    return envelope as FileDocument;
  }

  /** The token set of a checked document; a damaged token set is moved aside, any other failure (a wrong key) leaves the file alone. */
  async #openTokens(path: string, text: string, key: string, document: FileDocument): Promise<TokenSet> {
    try {
      return await openEnvelope(document, key, `file ${path}`, this.#cipher);
    } catch (error) {
      const damage = tokenDamage(error);
      if (damage === undefined) throw error;
      throw await this.#quarantineIfUnchanged(key, path, text, damage);
    }
  }

  async #quarantineIfUnchanged(key: string, path: string, seen: string, reason: string): Promise<StorageError> {
    return this.#underWriteLock(key, path, async () => {
      const now = await this.#readText(path);
      return this.#quarantine(path, reason, now !== seen);
    });
  }

  async #quarantine(path: string, reason: string, changed: boolean): Promise<StorageError> {
    if (changed) {
      return new StorageError(`The token file ${path} was damaged (${reason}) and has since been replaced by another process. Retry.`);
    }
    const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    try {
      await rename(path, aside);
    } catch (error) {
      return new StorageError(
        `The token file ${path} is damaged (${reason}) and could not be moved aside (${codeOf(error)}). Move or delete it by hand, then log in again.`,
        { cause: error },
      );
    }
    return new StorageError(
      `The token file ${path} is damaged (${reason}). It was moved to ${aside} and was not overwritten; log in again to store a new token, and delete the damaged copy once you no longer need it.`,
    );
  }

  #check(key: string, current: number | null, options: CompareAndSetOptions): void {
    if (options.expectedVersion === undefined) return;
    if (current !== options.expectedVersion) throw new VersionConflictError(key, options.expectedVersion, current);
  }
}
