import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { AbortedError, delay, LockTimeoutError, StorageError } from "@mly/auth-core";
import type { TokenLock } from "@mly/auth-core";
import { isCode } from "./_atomic_file.ts";

/** What a lock file holds. */
interface LockRecord {
  owner: string;
  pid: number;
  host: string;
  expiresAt: number;
}

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** The key, for error messages. */
  key: string;
  ttlMs: number;
  waitMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Longest pause between two tries (default 25 ms). */
  maxPollMs?: number | undefined;
}

const BROKEN_GRACE_MS = 2_000;

/**
 * Takes a cross-process lock: the lock file is created atomically (`link` of a complete temp
 * file, `O_EXCL` where links are not supported) and holds the owner id, pid, host and expiry.
 * A lock past its expiry, or held by a dead process on this host, is broken and taken over.
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<TokenLock> {
  const owner = randomUUID();
  const started = Date.now();
  let pause = 2;
  for (;;) {
    if (options.signal?.aborted === true) throw new AbortedError();
    const record: LockRecord = { owner, pid: process.pid, host: hostname(), expiresAt: Date.now() + options.ttlMs };
    if (await tryCreate(path, record)) return lockHandle(path, record);
    const seen = await readLock(path);
    if (seen === "missing") continue;
    if (isStale(seen)) {
      await breakLock(path, seen);
      continue;
    }
    const now = Date.now();
    const waited = now - started;
    if (options.waitMs !== undefined && waited >= options.waitMs) throw new LockTimeoutError(options.key, waited);
    let wait = pause + Math.random() * pause;
    if (seen !== "broken") wait = Math.min(wait, Math.max(1, seen.expiresAt - now + 1));
    if (options.waitMs !== undefined) wait = Math.min(wait, Math.max(1, options.waitMs - waited));
    await delay(wait, { signal: options.signal });
    pause = Math.min(pause * 2, options.maxPollMs ?? 25);
  }
}

function lockHandle(path: string, record: LockRecord): TokenLock {
  let released = false;
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      const seen = await readLock(path);
      if (seen === "missing" || seen === "broken" || seen.owner !== record.owner) return;
      if (Date.now() + 1_000 < seen.expiresAt) {
        // Still ours and far from expiry: nobody else may break it, so a plain unlink is safe.
        await unlink(path).catch((error: unknown) => {
          if (!isCode(error, "ENOENT")) throw error;
        });
        return;
      }
      await breakLock(path, seen);
    },
  };
}

async function tryCreate(path: string, record: LockRecord): Promise<boolean> {
  const data = JSON.stringify(record);
  try {
    const linked = await createByLink(path, `${path}.${record.owner}.tmp`, data);
    if (linked !== "unsupported") return linked;
    // No hard links on this file system: fall back to O_EXCL (a reader may see it empty for a moment).
    const handle = await open(path, "wx", 0o600);
    await writeOrRemove(handle, path, data);
    return true;
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    throw new StorageError(`Cannot create the lock file ${path} (${codeOf(error)}). Check that the directory exists and is writable by you.`, {
      cause: error,
    });
  }
}

/**
 * Writes the lock record to `temp` and hard-links it as `path`: whether it was created, or
 * `"unsupported"` where the file system has no hard links. `temp` is removed whatever happens.
 */
async function createByLink(path: string, temp: string, data: string): Promise<boolean | "unsupported"> {
  try {
    await writeOrRemove(await open(temp, "wx", 0o600), temp, data);
    await link(temp, path);
    return true;
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    if (isCode(error, "EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV")) return "unsupported";
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Writes `data` to a file just created at `path` and closes it; on a failure (disk full) the file is removed. */
async function writeOrRemove(handle: Awaited<ReturnType<typeof open>>, path: string, data: string): Promise<void> {
  try {
    try {
      await handle.writeFile(data, "utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  }
}

async function readLock(path: string): Promise<LockRecord | "missing" | "broken"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return "missing";
    throw new StorageError(`Cannot read the lock file ${path} (${codeOf(error)}). Check its owner and permissions.`, { cause: error });
  }
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.owner === "string" && typeof value.pid === "number" && typeof value.host === "string" && typeof value.expiresAt === "number") {
      return { owner: value.owner, pid: value.pid, host: value.host, expiresAt: value.expiresAt };
    }
  } catch {
    // fall through
  }
  // Half-written (O_EXCL fallback) or damaged: broken once it is older than a grace period.
  try {
    const info = await stat(path);
    return Date.now() - info.mtimeMs > BROKEN_GRACE_MS ? "broken" : { owner: "", pid: 0, host: "", expiresAt: info.mtimeMs + BROKEN_GRACE_MS };
  } catch {
    return "missing";
  }
}

function isStale(seen: LockRecord | "broken"): boolean {
  if (seen === "broken") return true;
  if (seen.expiresAt <= Date.now()) return true;
  return seen.host === hostname() && seen.pid > 0 && !pidAlive(seen.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isCode(error, "ESRCH");
  }
}

/**
 * Removes a lock judged stale (or our own): moves it aside under a unique name first, and puts
 * it back if it turns out to be another owner's newer lock.
 */
async function breakLock(path: string, seen: LockRecord | "broken"): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isCode(error, "ENOENT")) return;
    throw new StorageError(`Cannot remove the stale lock file ${path} (${codeOf(error)}). Delete it by hand if no mly process is running.`, {
      cause: error,
    });
  }
  const moved = await readLock(aside);
  const same = moved === "missing" || moved === "broken" || (seen !== "broken" && moved.owner === seen.owner) || isStale(moved);
  if (!same) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** The `code` of a Node system error, for messages. */
export function codeOf(error: unknown): string {
  if (typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string") return (error as { code: string }).code;
  return error instanceof Error ? error.name : "unknown error";
}
