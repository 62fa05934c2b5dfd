// Bundled by test/browser.test.ts and loaded in Chromium: runs the conformance checks and the cross-tab lock checks in the page.
import { IndexedDbTokenStore, WebStorageTokenStore, createAesGcmCipher } from "../../src/browser.ts";
import { runConformanceCheck, sampleTokenSet, tokenStoreConformanceChecks, type ConformanceFactory } from "@mly/auth-core/testing";
import { tokenSetToJSON, type TokenLock, type TokenStore } from "@mly/auth-core";

const cipherKey = new Uint8Array(32).fill(9);

function unique(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

const factories: Record<string, ConformanceFactory> = {
  localStorage: () => {
    const prefix = `mly-${unique()}:`;
    return { store: new WebStorageTokenStore({ storage: localStorage, prefix }), peer: new WebStorageTokenStore({ storage: localStorage, prefix }) };
  },
  sessionStorage: () => {
    const prefix = `mly-${unique()}:`;
    return { store: new WebStorageTokenStore({ storage: sessionStorage, prefix }), peer: new WebStorageTokenStore({ storage: sessionStorage, prefix }) };
  },
  indexedDB: () => {
    const database = `mly-${unique()}`;
    const store = new IndexedDbTokenStore({ database });
    const peer = new IndexedDbTokenStore({ database });
    return { store, peer, close: async () => { await store.close(); await peer.close(); } };
  },
  "indexedDB (AES-GCM)": async () => {
    const database = `mly-${unique()}`;
    const store = new IndexedDbTokenStore({ database, cipher: await createAesGcmCipher(cipherKey) });
    const peer = new IndexedDbTokenStore({ database, cipher: await createAesGcmCipher(cipherKey) });
    return { store, peer, close: async () => { await store.close(); await peer.close(); } };
  },
};

function shared(kind: string): TokenStore {
  return kind === "indexedDB" ? new IndexedDbTokenStore({ database: "mly-shared" }) : new WebStorageTokenStore({ storage: localStorage, prefix: "mly-shared:" });
}

let held: TokenLock | undefined;

const api = {
  checks: (): string[] => tokenStoreConformanceChecks.map((check) => check.name),
  backends: (): string[] => Object.keys(factories),
  async run(backend: string, name: string): Promise<{ ok: boolean; error?: string }> {
    const check = tokenStoreConformanceChecks.find((c) => c.name === name);
    const factory = factories[backend];
    if (check === undefined || factory === undefined) return { ok: false, error: "unknown check or backend" };
    try {
      await runConformanceCheck(check, factory);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  },
  async take(kind: string, key: string, waitMs: number): Promise<string> {
    try {
      held = await shared(kind).lock!(key, { ttlMs: 30_000, waitMs });
      return "taken";
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  },
  async release(): Promise<void> {
    await held?.release();
    held = undefined;
  },
  /**
   * Workers that read, pause and write a shared counter under the lock: a lost update shows as a
   * wrong total. The counter lives in IndexedDB (separate read and write transactions, so only
   * the lock makes them atomic): localStorage itself is not read-your-peer's-writes consistent
   * across Chromium tabs, which would blur what this measures.
   */
  async increment(kind: string, key: string, workers: number): Promise<number> {
    const store = shared(kind);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open("mly-counter", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("c");
      request.onsuccess = () => { resolve(request.result); };
      request.onerror = () => { reject(new Error("open")); };
    });
    const read = (): Promise<number> =>
      new Promise((resolve) => {
        const request = db.transaction("c", "readonly").objectStore("c").get(key);
        request.onsuccess = () => { resolve(Number(request.result ?? 0)); };
      });
    const write = (value: number): Promise<void> =>
      new Promise((resolve) => {
        const tx = db.transaction("c", "readwrite");
        tx.objectStore("c").put(value, key);
        tx.oncomplete = () => { resolve(); };
      });
    await Promise.all(
      Array.from({ length: workers }, async () => {
        const lock = await store.lock!(key, { ttlMs: 30_000, waitMs: 30_000 });
        try {
          const value = await read();
          await new Promise((resolve) => setTimeout(resolve, 2));
          await write(value + 1);
        } finally {
          await lock.release();
        }
      }),
    );
    const total = await read();
    db.close();
    return total;
  },
  /**
   * Stores a token, overwrites its entry with one whose token has a bad `access_token`, reads it:
   * the error and how many copies were moved aside.
   */
  async damaged(kind: string): Promise<{ name: string; message: string; aside: number; after: string }> {
    const key = unique();
    const damagedEntry = { format: "mly-token", v: 1, version: 5, token: { ...tokenSetToJSON(sampleTokenSet("bad")), access_token: 42 } };
    let store: TokenStore;
    let aside: () => Promise<number>;
    if (kind === "indexedDB") {
      const database = `mly-${unique()}`;
      const idb = new IndexedDbTokenStore({ database });
      store = idb;
      await store.set(key, sampleTokenSet("good"));
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => { resolve(request.result); };
        request.onerror = () => { reject(new Error("open")); };
      });
      await new Promise<void>((resolve) => {
        const tx = db.transaction("tokens", "readwrite");
        tx.objectStore("tokens").put(damagedEntry, key);
        tx.oncomplete = () => { resolve(); };
      });
      aside = () => new Promise((resolve) => {
        const request = db.transaction("corrupt", "readonly").objectStore("corrupt").count();
        request.onsuccess = () => { resolve(request.result); };
      });
    } else {
      const prefix = `mly-${unique()}:`;
      store = new WebStorageTokenStore({ storage: localStorage, prefix });
      await store.set(key, sampleTokenSet("good"));
      localStorage.setItem(`${prefix}token:${key}`, JSON.stringify(damagedEntry));
      aside = () => Promise.resolve(Object.keys(localStorage).filter((name) => name.startsWith(`${prefix}corrupt:`)).length);
    }
    const error = await store.get(key).then(() => new Error("no error"), (e: unknown) => e as Error);
    const after = await store.get(key).then((stored) => (stored === undefined ? "undefined" : "a token"), (e: unknown) => (e as Error).name);
    return { name: error.name, message: error.message, aside: await aside(), after };
  },
  async seed(key: string): Promise<number> {
    return shared("indexedDB").set(key, sampleTokenSet("seed"));
  },
  async casRace(key: string, writers: number, expectedVersion: number): Promise<{ won: number; lost: number }> {
    const store = shared("indexedDB");
    const results = await Promise.allSettled(Array.from({ length: writers }, (_, i) => store.set(key, sampleTokenSet(`tab${i}`), { expectedVersion })));
    return { won: results.filter((r) => r.status === "fulfilled").length, lost: results.filter((r) => r.status === "rejected" && (r.reason as Error).name === "VersionConflictError").length };
  },
};

(globalThis as unknown as { mly: typeof api }).mly = api;
document.title = "ready";
