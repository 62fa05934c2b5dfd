import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { StorageError, VersionConflictError, formatTokenKey, serializeTokenSet } from "@mly/auth-core";
import { afterEach, describe, expect, it } from "vitest";
import { createAesGcmCipher } from "./aes_gcm_cipher.ts";
import { describeTokenStoreConformance, sampleTokenSet } from "./conformance.ts";
import { FileTokenStore } from "./file_token_store.ts";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mly-file-store-"));
  dirs.push(dir);
  return join(dir, "nested", "mly");
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describeTokenStoreConformance("FileTokenStore", async () => {
  const directory = await tempDir();
  return { store: new FileTokenStore({ directory }), peer: new FileTokenStore({ directory }) };
});

describeTokenStoreConformance("FileTokenStore (AES-GCM at rest)", async () => {
  const directory = await tempDir();
  const key = crypto.getRandomValues(new Uint8Array(32));
  return {
    store: new FileTokenStore({ directory, cipher: await createAesGcmCipher(key) }),
    peer: new FileTokenStore({ directory, cipher: await createAesGcmCipher(key) }),
  };
});

const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "alice" });

describe("FileTokenStore on disk", () => {
  it("creates the directory 0700 and files 0600, one JSON file per key, and leaves no temp file", async () => {
    const directory = await tempDir();
    const store = new FileTokenStore({ directory });
    const first = await store.set(key, sampleTokenSet("disk"));
    const second = await store.set(key, sampleTokenSet("disk2"));
    expect(second).toBeGreaterThan(first);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(store.pathOf(key))).mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(["mapillary%3A1234%3Aalice.json"]);
    const document = JSON.parse(await readFile(store.pathOf(key), "utf8")) as Record<string, unknown>;
    expect(document).toMatchObject({ format: "mly-token", v: 1, key, version: second });
    expect(JSON.stringify(document["token"])).toBe(serializeTokenSet(sampleTokenSet("disk2")));
  });

  it("tightens an existing group-readable directory to 0700", async () => {
    const directory = await tempDir();
    await mkdir(directory, { recursive: true, mode: 0o755 });
    await chmod(directory, 0o755);
    await new FileTokenStore({ directory }).list();
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
  });

  it("lists named profiles like mapillary_tools", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    for (const profile of ["alice", "bob"]) await store.set(formatTokenKey({ provider: "mapillary", clientId: "1234", profile }), sampleTokenSet(profile));
    await store.set(formatTokenKey({ provider: "mapillary", clientId: "999", profile: "carol" }), sampleTokenSet("carol"));
    expect((await store.profiles("mapillary", "1234")).map((p) => p.profile)).toEqual(["alice", "bob"]);
    expect(await store.profiles("mapillary")).toHaveLength(3);
  });

  it("stores very long keys under a hashed name and still lists them", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    const long = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "ü".repeat(120) });
    await store.set(long, sampleTokenSet("long"));
    expect((await readdir(store.directory))[0]).toMatch(/^~[0-9a-f]{64}\.json$/);
    expect(await store.list()).toEqual([long]);
    expect((await store.get(long))?.version).toBeGreaterThan(0);
  });

  for (const [what, content] of [
    ["truncated JSON", '{"format":"mly-token","v":1,"key":'],
    ["an empty file", ""],
    ["a foreign JSON file", '{"hello":"world"}'],
    ["a token with a bad field", JSON.stringify({ format: "mly-token", v: 1, key, version: 3, token: { v: 1, kind: "user", access_token: 42 } })],
    ["another key's file", JSON.stringify({ format: "mly-token", v: 1, key: "other", version: 1, token: {} })],
  ] as const) {
    it(`a corrupt file (${what}) → StorageError naming the file, the copy moved aside, never overwritten`, async () => {
      const store = new FileTokenStore({ directory: await tempDir() });
      await store.set(key, sampleTokenSet("before"));
      await writeFile(store.pathOf(key), content);
      const error = await store.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      const message = (error as StorageError).message;
      expect(message).toContain(store.pathOf(key));
      expect(message).toMatch(/log in again/);
      const names = await readdir(store.directory);
      const aside = names.find((name) => name.includes(".corrupt-"));
      expect(aside).toBeDefined();
      expect(message).toContain(aside);
      expect(await readFile(join(store.directory, aside!), "utf8")).toBe(content);
      expect(await store.get(key)).toBeUndefined();
    });
  }

  it("a write over a corrupt file fails and keeps the damaged copy", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await writeFile(join(store.directory, "x"), "").catch(() => undefined);
    await store.list();
    await writeFile(store.pathOf(key), "garbage");
    await expect(store.set(key, sampleTokenSet("new"))).rejects.toBeInstanceOf(StorageError);
    const aside = (await readdir(store.directory)).find((name) => name.includes(".corrupt-"));
    expect(await readFile(join(store.directory, aside!), "utf8")).toBe("garbage");
    await store.set(key, sampleTokenSet("new"), { expectedVersion: null });
  });

  it("an unreadable path → StorageError saying what to check", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await store.list();
    await mkdir(store.pathOf(key));
    const error = await store.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/EISDIR.*owned and readable/);
  });

  it("never reuses a version after a delete, so a stale compare-and-set fails (no ABA)", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    const read = await store.set(key, sampleTokenSet("a"));
    await store.delete(key);
    await store.set(key, sampleTokenSet("b"));
    await expect(store.set(key, sampleTokenSet("c"), { expectedVersion: read })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it("a directory that vanished → list() fails with a StorageError naming it", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await store.list();
    await rm(store.directory, { recursive: true, force: true });
    const error = await store.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(store.directory);
  });

  it("an unusable directory → StorageError", async () => {
    const parent = await tempDir();
    await mkdir(join(parent, ".."), { recursive: true });
    await writeFile(join(parent, "..", "file"), "x");
    const store = new FileTokenStore({ directory: join(parent, "..", "file", "sub") });
    await expect(store.get(key)).rejects.toThrow(/Cannot create the token directory/);
  });

  it("encrypts at rest: no token in the file, wrong key → StorageError and the file is kept", async () => {
    const directory = await tempDir();
    const store = new FileTokenStore({ directory, cipher: await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)), { keyId: "k1" }) });
    await store.set(key, sampleTokenSet("sealed"));
    const text = await readFile(store.pathOf(key), "utf8");
    expect(text).not.toContain("at-sealed");
    expect(text).not.toContain("rt-sealed");
    expect(JSON.parse(text)).toMatchObject({ sealed: { v: 1, alg: "A256GCM", kid: "k1" } });
    const wrong = new FileTokenStore({ directory, cipher: await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)), { keyId: "k1" }) });
    await expect(wrong.get(key)).rejects.toThrow(/does not decrypt/);
    const otherKid = new FileTokenStore({ directory, cipher: await createAesGcmCipher(crypto.getRandomValues(new Uint8Array(32)), { keyId: "k2" }) });
    await expect(otherKid.get(key)).rejects.toThrow(/key id "k1"/);
    await expect(new FileTokenStore({ directory }).get(key)).rejects.toThrow(/is encrypted/);
    expect(await readFile(store.pathOf(key), "utf8")).toBe(text);
    expect((await store.get(key))?.tokens.accessToken.reveal()).toBe("at-sealed");
  });

  it("a plain file read with a cipher asks to log in again", async () => {
    const directory = await tempDir();
    await new FileTokenStore({ directory }).set(key, sampleTokenSet("plain"));
    const sealed = new FileTokenStore({ directory, cipher: await createAesGcmCipher(new Uint8Array(32)) });
    await expect(sealed.get(key)).rejects.toThrow(/not encrypted/);
  });

  it("never prints a token in errors or inspect output", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await store.set(key, sampleTokenSet("hidden"));
    const stored = await store.get(key);
    expect(inspect(stored, { depth: 10 })).not.toContain("at-hidden");
    expect(JSON.stringify(stored)).not.toContain("rt-hidden");
    const error = await store.set(key, sampleTokenSet("hidden"), { expectedVersion: 7 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(JSON.stringify(error)).not.toContain("hidden");
  });

  it("sweeps temp files left by a killed writer", async () => {
    const directory = await tempDir();
    await mkdir(directory, { recursive: true });
    const leftover = join(directory, ".x.json.dead.tmp");
    await writeFile(leftover, "partial");
    const old = new Date(Date.now() - 120_000);
    const { utimes } = await import("node:fs/promises");
    await utimes(leftover, old, old);
    const fresh = join(directory, ".y.json.live.tmp");
    await writeFile(fresh, "in flight");
    await new FileTokenStore({ directory }).list();
    expect((await readdir(directory)).sort()).toEqual([".y.json.live.tmp"]);
  });
});
