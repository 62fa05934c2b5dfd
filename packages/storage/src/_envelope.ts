/**
 * The stored-token envelope of the file and browser stores: what they keep per key, how it is
 * made, checked and opened, and how a damaged token is told apart from other failures (by the
 * error's fields, never its message).
 *
 * @module
 */
import { StorageError, parseTokenSet, serializeTokenSet, tokenSetFromJSON, tokenSetToJSON } from "@mly/auth-core";
import type { TokenSet, TokenSetJSON } from "@mly/auth-core";
import type { TokenCipher } from "./aes_gcm_cipher.ts";

/**
 * What a file or browser store keeps per key (the file store adds `key` and `updatedAt`):
 * exactly one of `token` (the token set as `tokenSetToJSON` writes it) and `sealed` (the
 * cipher's `SealedEnvelope` of the serialized token set).
 */
export interface TokenEnvelope {
  /** Always `mly-token`. */
  format: "mly-token";
  /** The envelope format version. */
  v: 1;
  /** The store's version of the entry, for compare-and-set (a positive integer). */
  version: number;
  /** The token set in clear, when the store has no cipher. Unchecked until {@link openEnvelope}. */
  token?: unknown;
  /** The sealed token set, when the store has a cipher. */
  sealed?: unknown;
}

/** The token part of an envelope: in clear or sealed. */
export type EnvelopeBody = { token: TokenSetJSON } | { sealed: unknown };

/** The token part of an envelope for `tokens`: sealed with `key` as context when there is a cipher. */
export async function envelopeBody(key: string, tokens: TokenSet, cipher: TokenCipher | undefined): Promise<EnvelopeBody> {
  if (cipher === undefined) return { token: tokenSetToJSON(tokens) };
  return { sealed: await cipher.seal(serializeTokenSet(tokens), key) };
}

/** An envelope holding `body` at `version`. */
export function makeEnvelope(version: number, body: EnvelopeBody): TokenEnvelope {
  return { format: "mly-token", v: 1, version, ...body };
}

/** Checks the shape of a stored envelope (not its token: see {@link openEnvelope}); returns what is wrong with it, in words. */
export function checkEnvelope(value: unknown): TokenEnvelope | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const envelope = value as Partial<TokenEnvelope>;
  if (envelope.format !== "mly-token") return "not an mly token entry";
  if (envelope.v !== 1) return `entry format version ${typeof envelope.v === "number" ? String(envelope.v) : "missing"}, expected 1`;
  if (typeof envelope.version !== "number" || !Number.isSafeInteger(envelope.version) || envelope.version < 1) return "entry version";
  if ((envelope.token === undefined) === (envelope.sealed === undefined)) return "not exactly one of a token and a sealed token";
  return envelope as TokenEnvelope;
}

/**
 * Reads the token set of a checked envelope. `where` names the entry in messages (`file /…/x.json`,
 * `item "mly:token:…"`).
 *
 * @throws {StorageError} with `reason: "unreadable_token"` when the token set is damaged (see
 * {@link tokenDamage}); other `StorageError`s when the envelope is sealed and the store has no
 * cipher, or the other way round, or the cipher cannot open it (a wrong key is not damage).
 */
export async function openEnvelope(envelope: TokenEnvelope, key: string, where: string, cipher: TokenCipher | undefined): Promise<TokenSet> {
  if (envelope.sealed === undefined) {
    if (cipher !== undefined) {
      throw new StorageError(`The token ${where} is not encrypted but this store has a cipher. Delete it and log in again to store the token encrypted.`);
    }
    return tokenSetFromJSON(envelope.token);
  }
  if (cipher === undefined) throw new StorageError(`The token ${where} is encrypted. Pass the same cipher (key) that wrote it to the store.`);
  let text: string;
  try {
    text = await cipher.open(envelope.sealed, key);
  } catch (error) {
    if (error instanceof StorageError) throw new StorageError(`The token ${where} cannot be opened: ${error.message}`, { cause: error });
    throw error;
  }
  return parseTokenSet(text);
}

/**
 * When `error` says a stored token set is damaged (core's `reason: "unreadable_token"`), the
 * words for the store's "damaged" message (`token field access_token`); otherwise `undefined`.
 */
export function tokenDamage(error: unknown): string | undefined {
  if (!(error instanceof StorageError) || error.reason !== "unreadable_token") return undefined;
  return error.field === undefined ? "token: not a JSON object" : `token field ${error.field}`;
}
