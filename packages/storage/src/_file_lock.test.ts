import { mkdtemp, rm, utimes, writeFile, readFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { LockTimeoutError } from "@mly/auth-core";
import { afterEach, describe, expect, it } from "vitest";
import { acquireFileLock } from "./_file_lock.ts";

const dirs: string[] = [];
async function lockPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mly-lock-"));
  dirs.push(dir);
  return join(dir, "k.json.lock");
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("lock files", () => {
  it("a lock of a dead process on this host is recovered at once, before its TTL", async () => {
    const path = await lockPath();
    await writeFile(path, JSON.stringify({ owner: "dead", pid: 2 ** 22 + 12345, host: hostname(), expiresAt: Date.now() + 600_000 }));
    // Taken at all proves it: the lock lives 600 s and the wait gives up after 10 s (LockTimeoutError).
    const lock = await acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 10_000 });
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it("a live lock of another host is respected until it expires", async () => {
    const path = await lockPath();
    await writeFile(path, JSON.stringify({ owner: "remote", pid: 1, host: "elsewhere", expiresAt: Date.now() + 600_000 }));
    await expect(acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 150 })).rejects.toBeInstanceOf(LockTimeoutError);
    await writeFile(path, JSON.stringify({ owner: "remote", pid: 1, host: "elsewhere", expiresAt: Date.now() + 200 }));
    const lock = await acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 10_000 });
    await lock.release();
  });

  it("a damaged lock file is waited on for a grace period, then broken", async () => {
    const path = await lockPath();
    await writeFile(path, "");
    await expect(acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 100 })).rejects.toBeInstanceOf(LockTimeoutError);
    const old = new Date(Date.now() - 10_000);
    await utimes(path, old, old);
    const lock = await acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 1_000 });
    await lock.release();
  });

  it("releasing close to expiry still removes only our own lock", async () => {
    const path = await lockPath();
    const lock = await acquireFileLock(path, { key: "k", ttlMs: 500 });
    await lock.release();
    const next = await acquireFileLock(path, { key: "k", ttlMs: 5_000, waitMs: 100 });
    await next.release();
  });
});
