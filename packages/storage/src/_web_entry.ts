import { StorageError, parseTokenSet, serializeTokenSet } from "@mly/auth-core";
import type { TokenSet } from "@mly/auth-core";
import type { TokenCipher } from "./aes_gcm_cipher.ts";

/** What browser stores keep per key. */
export interface WebEntry {
  format: "mly-token";
  v: 1;
  version: number;
  token?: unknown;
  sealed?: unknown;
}

/** Builds the stored entry of a token set (sealed when there is a cipher). */
export async function makeEntry(key: string, tokens: TokenSet, version: number, cipher: TokenCipher | undefined): Promise<WebEntry> {
  const payload = serializeTokenSet(tokens);
  return cipher === undefined
    ? { format: "mly-token", v: 1, version, token: JSON.parse(payload) as unknown }
    : { format: "mly-token", v: 1, version, sealed: await cipher.seal(payload, key) };
}

/** Checks the shape of a stored entry; returns what is wrong with it as a string. */
export function checkEntry(value: unknown): WebEntry | string {
  if (typeof value !== "object" || value === null) return "not an object";
  const entry = value as Partial<WebEntry>;
  if (entry.format !== "mly-token" || entry.v !== 1) return "not an mly token entry of a known version";
  if (typeof entry.version !== "number" || !Number.isSafeInteger(entry.version) || entry.version < 1) return "version";
  if ((entry.token === undefined) === (entry.sealed === undefined)) return "neither a token nor a sealed token";
  return entry as WebEntry;
}

/** Reads the token set of an entry. */
export async function openEntry(where: string, key: string, entry: WebEntry, cipher: TokenCipher | undefined): Promise<TokenSet> {
  if (entry.sealed !== undefined) {
    if (cipher === undefined) throw new StorageError(`The token ${where} is encrypted. Pass the cipher (key) that wrote it.`);
    return parseTokenSet(await cipher.open(entry.sealed, key));
  }
  if (cipher !== undefined) throw new StorageError(`The token ${where} is not encrypted but this store has a cipher. Delete it and log in again.`);
  return parseTokenSet(JSON.stringify(entry.token));
}
