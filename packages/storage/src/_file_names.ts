import { createHash } from "node:crypto";

const SUFFIX = ".json";
const HASHED_PREFIX = "~";
const MAX_NAME = 200;

/**
 * The file name of a token key: every byte outside `[a-z0-9_-]` percent-encoded (upper case
 * letters too, so keys differing only by case stay apart on case-insensitive file systems),
 * or `~<sha256>` when that would be too long. Reversible except for hashed names, whose key is
 * read from the file.
 */
export function fileNameForKey(key: string): string {
  let name = "";
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    name += /[a-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (name.length > MAX_NAME || name === "") name = HASHED_PREFIX + createHash("sha256").update(key).digest("hex");
  return name + SUFFIX;
}

/** Whether a directory entry is a token file (not a temp file, lock, or a quarantined copy). */
export function isTokenFileName(name: string): boolean {
  return name.endsWith(SUFFIX) && !name.startsWith(".");
}

/** The key of a token file name; `undefined` for hashed names (read the file) or foreign names. */
export function keyForFileName(name: string): string | undefined {
  if (!isTokenFileName(name) || name.startsWith(HASHED_PREFIX)) return undefined;
  const encoded = name.slice(0, -SUFFIX.length);
  if (!/^(?:[a-z0-9_-]|%[0-9A-F]{2})*$/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; ) {
    if (encoded[i] === "%") {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(encoded.charCodeAt(i));
      i++;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

const TOKEN_FILE = String.raw`(?:[a-z0-9_%A-F-]+|~[0-9a-f]{64})\.json`;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/**
 * The temp files this package writes beside a token file, and nothing else:
 * - `.<file>.<uuid>.tmp`: an atomic write in progress (`writeFileAtomic`);
 * - `<file>.lock.<uuid>.tmp`, `<file>.wlock.<uuid>.tmp`: a lock being created (`acquireFileLock`);
 * - `<file>.lock.stale-<uuid>`, `<file>.wlock.stale-<uuid>`: a stale lock being broken.
 */
const TEMP_FILE = new RegExp(`^(?:\\.${TOKEN_FILE}\\.${UUID}\\.tmp|${TOKEN_FILE}\\.w?lock\\.(?:${UUID}\\.tmp|stale-${UUID}))$`);

/** Whether a directory entry is a temp file written by this package (left behind if its writer died). */
export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name);
}
