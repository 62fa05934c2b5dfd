import { ConfigError, StorageError } from "@mly/auth-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAesGcmCipher } from "./aes_gcm_cipher.ts";

describe("createAesGcmCipher", () => {
  it("round-trips any text with a fresh IV each time", async () => {
    const cipher = await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme" }), fc.string(), async (text, context) => {
        const a = await cipher.seal(text, context);
        const b = await cipher.seal(text, context);
        expect(a.iv).not.toBe(b.iv);
        expect(await cipher.open(a, context)).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it("accepts a CryptoKey and rejects keys that are not 32 bytes", async () => {
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const cipher = await createAesGcmCipher(key);
    expect(await cipher.open(await cipher.seal("x", "k"), "k")).toBe("x");
    await expect(createAesGcmCipher(new Uint8Array(16))).rejects.toBeInstanceOf(ConfigError);
  });

  it("binds the ciphertext to its key (no swapping entries) and detects tampering", async () => {
    const cipher = await createAesGcmCipher(new Uint8Array(32).fill(7));
    const sealed = await cipher.seal("secret", "a");
    await expect(cipher.open(sealed, "b")).rejects.toBeInstanceOf(StorageError);
    const flipped = { ...sealed, ct: (sealed.ct.startsWith("A") ? "B" : "A") + sealed.ct.slice(1) };
    await expect(cipher.open(flipped, "a")).rejects.toThrow(/does not decrypt/);
  });

  it("rejects any malformed envelope with a StorageError, never another error (parser property)", async () => {
    const cipher = await createAesGcmCipher(new Uint8Array(32));
    const good = await cipher.seal("x", "k");
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({ v: fc.oneof(fc.constant(1), field), alg: fc.oneof(fc.constant("A256GCM"), field), kid: fc.oneof(fc.constant("default"), field), iv: fc.oneof(fc.constant(good.iv), field), ct: field }),
        ),
        async (envelope) => {
          await expect(cipher.open(envelope, "k")).rejects.toBeInstanceOf(StorageError);
        },
      ),
      { numRuns: 200 },
    );
  });
});
