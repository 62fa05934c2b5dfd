import { StorageError, serializeTokenSet, tokenSetToJSON, type TokenSet } from "@mly/auth-core";
import { sampleTokenSet } from "@mly/auth-core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEnvelope, envelopeBody, makeEnvelope, openEnvelope, tokenDamage, type TokenEnvelope } from "./_envelope.ts";
import { createAesGcmCipher, type TokenCipher } from "./aes_gcm_cipher.ts";

const KEY = "mapillary:1234:alice";

function plain(tokens: TokenSet): string {
  return serializeTokenSet(tokens);
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => expect.fail("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe("the stored-token envelope", () => {
  it("without a cipher holds the token set as tokenSetToJSON writes it, and reads it back", async () => {
    const tokens = sampleTokenSet("plain");
    const envelope = makeEnvelope(3, await envelopeBody(KEY, tokens, undefined));
    expect(envelope).toEqual({ format: "mly-token", v: 1, version: 3, token: tokenSetToJSON(tokens) });
    expect(checkEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
    expect(plain(await openEnvelope(envelope, KEY, "item x", undefined))).toBe(plain(tokens));
  });

  it("with a cipher holds no token value, opens only with that cipher and key; a wrong cipher is not damage", async () => {
    const tokens = sampleTokenSet("sealed");
    const cipher = await createAesGcmCipher(new Uint8Array(32).fill(1));
    const envelope = makeEnvelope(1, await envelopeBody(KEY, tokens, cipher));
    expect(JSON.stringify(envelope)).not.toContain("at-sealed");
    expect(JSON.stringify(envelope)).not.toContain("rt-sealed");
    expect(plain(await openEnvelope(envelope, KEY, "item x", cipher))).toBe(plain(tokens));

    const otherKey = await createAesGcmCipher(new Uint8Array(32).fill(2));
    const failures = [
      [await rejection(openEnvelope(envelope, KEY, "item x", otherKey)), /The token item x cannot be opened: .*does not decrypt/],
      [await rejection(openEnvelope(envelope, "mapillary:1234:bob", "item x", cipher)), /does not decrypt/],
      [await rejection(openEnvelope(envelope, KEY, "item x", undefined)), /The token item x is encrypted/],
      [await rejection(openEnvelope(makeEnvelope(1, await envelopeBody(KEY, tokens, undefined)), KEY, "item x", cipher)), /The token item x is not encrypted/],
    ] as const;
    for (const [error, message] of failures) {
      expect(error.message).toMatch(message);
      expect(error.reason).toBeUndefined();
      expect(tokenDamage(error)).toBeUndefined();
    }
  });

  it("checkEnvelope says what is wrong with the shape", () => {
    const good = { format: "mly-token", v: 1, version: 2, token: {} };
    const cases: [unknown, string][] = [
      [null, "not a JSON object"],
      ["text", "not a JSON object"],
      [[good], "not a JSON object"],
      [{ hello: "world" }, "not an mly token entry"],
      [{ ...good, v: 2 }, "entry format version 2, expected 1"],
      [{ ...good, v: undefined }, "entry format version missing, expected 1"],
      [{ ...good, version: 0 }, "entry version"],
      [{ ...good, version: 1.5 }, "entry version"],
      [{ ...good, version: "2" }, "entry version"],
      [{ ...good, token: undefined }, "not exactly one of a token and a sealed token"],
      [{ ...good, sealed: {} }, "not exactly one of a token and a sealed token"],
    ];
    for (const [value, problem] of cases) expect(checkEnvelope(value)).toBe(problem);
  });

  it("a damaged token set, in clear or sealed → StorageError with reason unreadable_token and the field; tokenDamage names it", async () => {
    const cipher = await createAesGcmCipher(new Uint8Array(32).fill(3));
    const damaged = { ...tokenSetToJSON(sampleTokenSet("damaged")), expires_at: "soon" };
    const envelopes: [TokenEnvelope, TokenCipher | undefined][] = [
      [makeEnvelope(1, { token: damaged as never }), undefined],
      [makeEnvelope(1, { sealed: await cipher.seal(JSON.stringify(damaged), KEY) }), cipher],
    ];
    for (const [envelope, withCipher] of envelopes) {
      const error = await rejection(openEnvelope(envelope, KEY, "item x", withCipher));
      expect(error.reason).toBe("unreadable_token");
      expect(error.field).toBe("expires_at");
      expect(tokenDamage(error)).toBe("token field expires_at");
      expect(error.message).not.toContain("at-damaged");
    }
    const notAnObject = await rejection(openEnvelope(makeEnvelope(1, { token: 7 as never }), KEY, "item x", undefined));
    expect(tokenDamage(notAnObject)).toBe("token: not a JSON object");
  });

  it("tokenDamage reads the error's fields, never its message", () => {
    expect(tokenDamage(new StorageError("bad stored token (access_token); log in again"))).toBeUndefined();
    expect(tokenDamage(new Error("bad stored token (access_token); log in again"))).toBeUndefined();
    expect(tokenDamage(new StorageError("anything", { reason: "unreadable_token", field: "kind" }))).toBe("token field kind");
    expect(tokenDamage(undefined)).toBeUndefined();
  });

  it("property: any stored value → an envelope or what is wrong with it; opening one → a token set or a StorageError", async () => {
    const anything = fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true });
    const values = fc.oneof(
      anything,
      fc.record({ format: fc.constant("mly-token"), v: fc.constant(1), version: fc.integer({ min: 1 }), token: anything }),
      fc.record({ format: fc.constant("mly-token"), v: fc.constant(1), version: fc.integer({ min: 1 }), token: fc.dictionary(fc.constantFrom("v", "kind", "access_token", "scopes", "issued_at", "expires_at", "provider"), anything) }),
    );
    await fc.assert(
      fc.asyncProperty(values, async (value) => {
        const envelope = checkEnvelope(value);
        if (typeof envelope === "string") return;
        try {
          await openEnvelope(envelope, KEY, "item x", undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          expect(tokenDamage(error)).toMatch(/^token/);
        }
      }),
    );
  });
});
