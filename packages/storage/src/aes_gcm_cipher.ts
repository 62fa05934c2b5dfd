import { ConfigError, StorageError } from "@mly/auth-core";
import { fromBase64Url, toBase64Url } from "./_base64url.ts";

/** Encrypts serialized tokens at rest. `context` (the token key) is bound to the ciphertext, so entries cannot be swapped. */
export interface TokenCipher {
  /** Encrypts `plaintext` into a versioned envelope (a JSON object). */
  seal(plaintext: string, context: string): Promise<SealedEnvelope>;
  /**
   * Decrypts an envelope made by {@link TokenCipher.seal}.
   * @throws {StorageError} the envelope is malformed, of an unknown version, or does not decrypt with this key.
   */
  open(envelope: unknown, context: string): Promise<string>;
}

/** Version 1 of the encrypted envelope: AES-256-GCM, 96-bit random IV, the token key as additional data. */
export interface SealedEnvelope {
  /** Envelope format version. */
  readonly v: 1;
  /** The algorithm (`A256GCM`). */
  readonly alg: "A256GCM";
  /** The caller's key id, so a rotated key can be told apart from a damaged file. */
  readonly kid: string;
  /** The IV, base64url. */
  readonly iv: string;
  /** Ciphertext with the 128-bit tag, base64url. */
  readonly ct: string;
}

/** Options of {@link createAesGcmCipher}. */
export interface AesGcmCipherOptions {
  /** An id for the key, stored in the envelope (default `default`). Not secret. */
  keyId?: string;
}

const AAD_PREFIX = "mly-token-envelope:v1:";

/**
 * An AES-256-GCM {@link TokenCipher} through Web Crypto (`crypto.subtle`): works in Node ≥ 20,
 * Deno, Bun and browsers. The key comes from the caller: 32 raw bytes or an AES-GCM `CryptoKey`
 * (which may be non-extractable).
 *
 * @example
 * ```ts
 * import { createAesGcmCipher } from "@mly/storage";
 *
 * const cipher = await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)), { keyId: "2025-01" });
 * const envelope = await cipher.seal('{"v":1}', "mapillary:1234:default");
 * await cipher.open(envelope, "mapillary:1234:default"); // '{"v":1}'
 * ```
 *
 * @throws {ConfigError} the key is not 32 bytes.
 */
export async function createAesGcmCipher(key: CryptoKey | Uint8Array, options: AesGcmCipherOptions = {}): Promise<TokenCipher> {
  const kid = options.keyId ?? "default";
  let cryptoKey: CryptoKey;
  if (key instanceof Uint8Array) {
    if (key.byteLength !== 32) throw new ConfigError(`The encryption key must be 32 bytes (AES-256), got ${key.byteLength}.`);
    cryptoKey = await crypto.subtle.importKey("raw", new Uint8Array(key), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  } else {
    cryptoKey = key;
  }
  const encoder = new TextEncoder();
  const aad = (context: string): Uint8Array<ArrayBuffer> => encoder.encode(AAD_PREFIX + context);
  return {
    async seal(plaintext: string, context: string): Promise<SealedEnvelope> {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(context) }, cryptoKey, encoder.encode(plaintext));
      return { v: 1, alg: "A256GCM", kid, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
    },
    async open(envelope: unknown, context: string): Promise<string> {
      const parsed = readEnvelope(envelope);
      if (parsed.kid !== kid) {
        throw new StorageError(
          `The token was encrypted with key id ${JSON.stringify(parsed.kid)}, but this store was given key id ${JSON.stringify(kid)}. Pass the matching key.`,
        );
      }
      try {
        const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: parsed.iv, additionalData: aad(context) }, cryptoKey, parsed.ct);
        return new TextDecoder("utf-8", { fatal: true }).decode(plain);
      } catch (error) {
        throw new StorageError(
          "The encrypted token does not decrypt: the key is wrong or the data was altered. If the key is right, delete the entry and log in again.",
          { cause: error instanceof Error ? new Error(error.name) : undefined },
        );
      }
    },
  };
}

function readEnvelope(value: unknown): { kid: string; iv: Uint8Array<ArrayBuffer>; ct: Uint8Array<ArrayBuffer> } {
  const fail = (what: string): StorageError => new StorageError(`The encrypted token envelope is unreadable (${what}). Delete the entry and log in again.`);
  if (typeof value !== "object" || value === null) throw fail("not an object");
  const record = value as Record<string, unknown>;
  if (record["v"] !== 1) throw fail(`envelope version ${typeof record["v"] === "number" ? String(record["v"]) : "missing"}, expected 1`);
  if (record["alg"] !== "A256GCM") throw fail("alg");
  const kid = record["kid"];
  if (typeof kid !== "string") throw fail("kid");
  const iv = typeof record["iv"] === "string" ? fromBase64Url(record["iv"]) : undefined;
  if (iv?.byteLength !== 12) throw fail("iv");
  const ct = typeof record["ct"] === "string" ? fromBase64Url(record["ct"]) : undefined;
  if (ct === undefined || ct.byteLength < 16) throw fail("ct");
  return { kid, iv: new Uint8Array(iv), ct: new Uint8Array(ct) };
}
