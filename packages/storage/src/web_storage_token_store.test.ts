// The Web Storage store in Node, over an in-memory Storage (no Web Locks here, so the lock checks
// are skipped; test/browser.test.ts runs everything in Chromium).
import { StorageError, tokenSetToJSON } from "@mly/auth-core";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { describe, expect, it } from "vitest";
import { createAesGcmCipher } from "./aes_gcm_cipher.ts";
import { describeTokenStoreConformance } from "./conformance.ts";
import { WebStorageTokenStore, type WebStorageLike } from "./web_storage_token_store.ts";

/** A Storage area in memory, with the Web Storage API's shape. */
class MemoryStorage implements WebStorageLike {
  readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describeTokenStoreConformance(
  "WebStorageTokenStore (in-memory Storage, no Web Locks)",
  () => {
    const storage = new MemoryStorage();
    return { store: new WebStorageTokenStore({ storage }), peer: new WebStorageTokenStore({ storage }) };
  },
  { withoutLock: true },
);

const KEY = "mapillary:1234:alice";
const ITEM = `mly:token:${KEY}`;

describe("WebStorageTokenStore: damaged items", () => {
  const damaged: [string, string, string][] = [
    ["not JSON", '{"format":"mly-token"', "not JSON"],
    ["a foreign JSON item", '{"hello":"world"}', "not an mly token entry"],
    ["a token with a bad field", JSON.stringify({ format: "mly-token", v: 1, version: 3, token: { ...tokenSetToJSON(sampleTokenSet("bad")), access_token: 42 } }), "token field access_token"],
    ["a token of an unknown format version", JSON.stringify({ format: "mly-token", v: 1, version: 3, token: { ...tokenSetToJSON(sampleTokenSet("bad")), v: 9 } }), "token field v"],
  ];
  for (const [what, text, problem] of damaged) {
    it(`${what} → StorageError naming the item and what is wrong, the item moved aside`, async () => {
      const storage = new MemoryStorage();
      const store = new WebStorageTokenStore({ storage });
      await store.set(KEY, sampleTokenSet("before"));
      storage.setItem(ITEM, text);
      const error = await store.get(KEY).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      const message = (error as Error).message;
      expect(message).toContain(`damaged (${problem})`);
      expect(message).toContain(JSON.stringify(ITEM));
      expect(message).not.toContain("at-bad");
      const aside = [...storage.items.keys()].filter((name) => name.startsWith("mly:corrupt:"));
      expect(aside).toHaveLength(1);
      expect(message).toContain(aside[0]);
      expect(storage.getItem(aside[0]!)).toBe(text);
      expect(await store.get(KEY)).toBeUndefined();
      expect(await store.set(KEY, sampleTokenSet("after"), { expectedVersion: null })).toBeGreaterThan(0);
    });
  }

  it("a sealed item read without its cipher → StorageError, the item left in place (a wrong key is not damage)", async () => {
    const storage = new MemoryStorage();
    await new WebStorageTokenStore({ storage, cipher: await createAesGcmCipher(new Uint8Array(32).fill(5)) }).set(KEY, sampleTokenSet("sealed"));
    const text = storage.getItem(ITEM);
    for (const store of [new WebStorageTokenStore({ storage }), new WebStorageTokenStore({ storage, cipher: await createAesGcmCipher(new Uint8Array(32).fill(6)) })]) {
      await expect(store.get(KEY)).rejects.toBeInstanceOf(StorageError);
      expect(storage.getItem(ITEM)).toBe(text);
    }
    expect([...storage.items.keys()]).toEqual([ITEM]);
  });
});
