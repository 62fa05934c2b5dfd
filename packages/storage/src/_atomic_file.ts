import { randomUUID } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` atomically: temp file in the same directory (mode 0600), write, fsync, rename
 * over the target, fsync the directory. A crash at any point leaves the old or the new content;
 * a failure (disk full, I/O error) removes the temp file before it is reported.
 */
export async function writeFileAtomic(path: string, data: string, durable: boolean): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temp, "wx", 0o600);
  try {
    await writeAndClose(handle, data, durable);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  if (durable) await fsyncDirectory(directory);
}

/** Writes `data` to a fresh file and closes it; the handle is closed whatever fails. */
async function writeAndClose(handle: Awaited<ReturnType<typeof open>>, data: string, durable: boolean): Promise<void> {
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data, "utf8");
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/** Flushes a directory entry change (rename, unlink) to disk; a no-op where directories cannot be opened (Windows). */
export async function fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    if (!isCode(error, "EISDIR", "EPERM", "EINVAL", "EBADF")) throw error;
  } finally {
    await handle?.close();
  }
}

/** Whether `error` is a Node system error with one of `codes`. */
export function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === "object" && error !== null && codes.includes(String((error as { code?: unknown }).code));
}
