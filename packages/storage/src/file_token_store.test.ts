import { randomUUID } from "node:crypto";
import { chmod, chown, lstat, mkdir, mkdtemp, open, readFile, readdir, rm, stat, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { inspect } from "node:util";
import { StorageError, VersionConflictError, formatTokenKey, serializeTokenSet, tokenSetToJSON } from "@mly/auth-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAesGcmCipher } from "./aes_gcm_cipher.ts";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { describeTokenStoreConformance } from "./conformance.ts";
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

  it("a damaged token, in clear or sealed, is named by its field (read from the error's fields) and moved aside", async () => {
    const cipher = await createAesGcmCipher(new Uint8Array(32).fill(4));
    const damagedToken = { ...tokenSetToJSON(sampleTokenSet("bad")), scopes: "read" };
    for (const [store, body] of [
      [new FileTokenStore({ directory: await tempDir() }), { token: damagedToken }],
      [new FileTokenStore({ directory: await tempDir(), cipher }), { sealed: await cipher.seal(JSON.stringify(damagedToken), key) }],
    ] as const) {
      await store.set(key, sampleTokenSet("before"));
      const content = JSON.stringify({ format: "mly-token", v: 1, key, version: 3, updatedAt: 0, ...body });
      await writeFile(store.pathOf(key), content);
      const error = await store.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).message).toContain(`${store.pathOf(key)} is damaged (token field scopes)`);
      expect((error as Error).message).not.toContain("at-bad");
      const aside = (await readdir(store.directory)).find((name) => name.includes(".corrupt-"));
      expect(await readFile(join(store.directory, aside!), "utf8")).toBe(content);
    }
  });

  it("reads a token file in the layout written before the envelope module (key before version)", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await store.list();
    const token =
      '{"v":1,"kind":"user","access_token":"at-old","token_type":"bearer","refresh_token":"rt-old","scopes":["read","upload"],"issued_at":1700000000000,"expires_at":4000000000000,"provider":"mapillary","subject":"user-old"}';
    const document = { format: "mly-token", v: 1, key, version: 7, updatedAt: 1_700_000_000_000, token: JSON.parse(token) as unknown };
    await writeFile(store.pathOf(key), `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
    const stored = await store.get(key);
    expect(stored?.version).toBe(7);
    expect(serializeTokenSet(stored!.tokens)).toBe(token);
    expect(await store.set(key, stored!.tokens, { expectedVersion: 7 })).toBeGreaterThan(7);
  });

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

  it("sweeps stale temp files of killed or failed writers at start, and never any other file", async () => {
    const directory = await tempDir();
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const file = "mapillary%3A1234%3Aalice.json";
    const stale = [`.${file}.${randomUUID()}.tmp`, `${file}.wlock.${randomUUID()}.tmp`, `${file}.lock.${randomUUID()}.tmp`, `${file}.lock.stale-${randomUUID()}`];
    const kept = [file, `${file}.corrupt-2026-01-01T00-00-00-000Z`, ".hidden.tmp", "notes.tmp", `${file}.wlock.not-mine.tmp`, ".x.json.dead.tmp"];
    const old = new Date(Date.now() - 120_000);
    for (const name of [...stale, ...kept]) {
      await writeFile(join(directory, name), "x");
      await utimes(join(directory, name), old, old);
    }
    const inFlight = `.${file}.${randomUUID()}.tmp`; // a live writer's: younger than a minute
    await writeFile(join(directory, inFlight), "in flight");
    await new FileTokenStore({ directory }).list();
    expect((await readdir(directory)).sort()).toEqual([...kept, inFlight].sort());
  });
});

type HandleMethod = "writeFile" | "sync";

/** The prototype of Node's `FileHandle`, whose methods the store's writes call. */
async function fileHandlePrototype(): Promise<Record<HandleMethod, (...args: unknown[]) => Promise<void>>> {
  const path = join(tmpdir(), `mly-probe-${randomUUID()}`);
  const probe = await open(path, "w");
  await probe.close();
  await rm(path, { force: true });
  return Object.getPrototypeOf(probe) as Record<HandleMethod, (...args: unknown[]) => Promise<void>>;
}

/** Makes the `nth` call of a `FileHandle` method from now on fail with `code`. */
async function failCall(method: HandleMethod, code: string, nth: number): Promise<void> {
  const prototype = await fileHandlePrototype();
  const real = prototype[method];
  let calls = 0;
  vi.spyOn(prototype, method).mockImplementation(async function (this: unknown, ...args: unknown[]) {
    calls += 1;
    if (calls !== nth) return real.apply(this, args);
    throw Object.assign(new Error(`${code}: simulated failure, ${method}`), { code });
  });
}

describe("FileTokenStore after a failed write", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // In a set(): writeFile #1 is the write lock's record, writeFile #2 / sync #1 the token's temp file.
  for (const [what, method, code, nth] of [
    ["the write lock's temp file cannot be written (disk full)", "writeFile", "ENOSPC", 1],
    ["the token's temp file cannot be written (disk full)", "writeFile", "ENOSPC", 2],
    ["the token's temp file cannot be synced (I/O error)", "sync", "EIO", 1],
  ] as const) {
    it(`leaves no temp file behind when ${what}, and the next write works`, async () => {
      const store = new FileTokenStore({ directory: await tempDir() });
      await store.set(key, sampleTokenSet("before"));
      await failCall(method, code, nth);
      const error = await store.set(key, sampleTokenSet("lost")).catch((e: unknown) => e);
      vi.restoreAllMocks();
      expect(error).toBeInstanceOf(StorageError);
      expect(await readdir(store.directory)).toEqual([basename(store.pathOf(key))]);
      expect((await store.get(key))?.tokens.accessToken.reveal()).toBe("at-before");
      await store.set(key, sampleTokenSet("after"));
      expect(await readdir(store.directory)).toEqual([basename(store.pathOf(key))]);
    });
  }
});

describe("FileTokenStore trusts only what it owns", () => {
  it("refuses a directory owned by another user, saying what to fix, for as long as that holds", async () => {
    const directory = await tempDir();
    const store = new FileTokenStore({ directory });
    await store.set(key, sampleTokenSet("mine"));
    await chown(directory, 65534, 65534);
    for (const call of [() => store.get(key), () => store.set(key, sampleTokenSet("x")), () => store.list(), () => new FileTokenStore({ directory }).get(key)]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).message).toMatch(/owned by uid 65534, not by you/);
      expect((error as Error).message).toContain(`chown ${process.getuid!()} ${directory} && chmod 700 ${directory}`);
    }
    await chown(directory, process.getuid!(), process.getgid!());
    expect((await store.get(key))?.tokens.accessToken.reveal()).toBe("at-mine");
  });

  for (const mode of [0o777, 0o770, 0o775, 0o757, 0o720]) {
    it(`refuses a group- or world-writable directory (mode 0${mode.toString(8)}) without touching it, until it is fixed`, async () => {
      const directory = await tempDir();
      const store = new FileTokenStore({ directory });
      await store.set(key, sampleTokenSet("mine"));
      await chmod(directory, mode);
      for (const call of [() => store.get(key), () => store.set(key, sampleTokenSet("x")), () => new FileTokenStore({ directory }).list()]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect((error as Error).message).toMatch(/is writable by (group and others|its group|others) \(mode 0\d+\)/);
        expect((error as Error).message).toContain(`chmod 700 ${directory}`);
      }
      expect((await stat(directory)).mode & 0o777).toBe(mode);
      await chmod(directory, 0o700);
      expect((await store.get(key))?.tokens.accessToken.reveal()).toBe("at-mine");
    });
  }

  it("never follows a symbolic link for a token file: refused, not read, until the link is gone", async () => {
    const directory = await tempDir();
    const store = new FileTokenStore({ directory });
    const elsewhere = await tempDir();
    const planted = new FileTokenStore({ directory: elsewhere });
    await planted.set(key, sampleTokenSet("attacker"));
    await store.list();
    await symlink(planted.pathOf(key), store.pathOf(key));
    for (const call of [() => store.get(key), () => store.set(key, sampleTokenSet("x")), () => store.delete(key, { expectedVersion: 1 })]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).message).toMatch(/is a symbolic link/);
      expect(JSON.stringify(error) + inspect(error)).not.toContain("attacker");
    }
    expect((await lstat(store.pathOf(key))).isSymbolicLink()).toBe(true);
    await unlink(store.pathOf(key));
    await store.set(key, sampleTokenSet("mine"));
    expect((await store.get(key))?.tokens.accessToken.reveal()).toBe("at-mine");
  });

  it("refuses a token file owned by another user", async () => {
    const store = new FileTokenStore({ directory: await tempDir() });
    await store.set(key, sampleTokenSet("mine"));
    await chown(store.pathOf(key), 65534, 65534);
    await expect(store.get(key)).rejects.toThrow(/owned by uid 65534, not by you/);
    await chown(store.pathOf(key), process.getuid!(), process.getgid!());
    expect((await store.get(key))?.version).toBeGreaterThan(0);
  });

  it("creates the default directory ($XDG_CONFIG_HOME/mly) with mode 0700", async () => {
    const config = await tempDir();
    const saved = process.env["XDG_CONFIG_HOME"];
    process.env["XDG_CONFIG_HOME"] = config;
    try {
      const store = new FileTokenStore();
      expect(store.directory).toBe(join(config, "mly"));
      await store.set(key, sampleTokenSet("default"));
      expect((await stat(store.directory)).mode & 0o777).toBe(0o700);
    } finally {
      if (saved === undefined) delete process.env["XDG_CONFIG_HOME"];
      else process.env["XDG_CONFIG_HOME"] = saved;
    }
  });
});
