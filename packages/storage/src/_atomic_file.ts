import { randomUUID } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` atomically: temp file in the same directory (mode 0600), write, fsync, rename
 * over the target, fsync the directory. A crash at any point leaves the old or the new content.
 */
export async function _writeFileAtomic(path: string, data: string, durable: boolean): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data, "utf8");
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await _fsyncDirectory(directory);
}

/** Flushes a directory entry change (rename, unlink) to disk; a no-op where directories cannot be opened (Windows). */
export async function _fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    if (!_isCode(error, "EISDIR", "EPERM", "EINVAL", "EBADF")) throw error;
  } finally {
    await handle?.close();
  }
}

/** Whether `error` is a Node system error with one of `codes`. */
export function _isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === "object" && error !== null && codes.includes(String((error as { code?: unknown }).code));
}
