import { inspect } from "node:util";
import { BackendUnavailableError, StorageError, VersionConflictError, formatTokenKey, tokenSetToJSON } from "@mly/auth-core";
import { redisTestPrefix, testRedis } from "@mly/redis-test";
import { describeTokenStoreConformance } from "@mly/storage/conformance";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisTokenStore } from "./redis_token_store.ts";
import { toRedisCommander } from "@mly/redis-script";

const target = await testRedis();
const url = target?.url;
const clients: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const client of clients.splice(0)) await client.close();
  await target?.server?.stop(); // the redis-server started when nothing answered at REDIS_URL
});

function ioredis(): Redis {
  const client = new Redis(url ?? "");
  clients.push({ close: () => client.quit() });
  return client;
}

async function nodeRedis() {
  const client = createClient({ url: url ?? "" });
  client.on("error", () => undefined);
  await client.connect();
  clients.push({ close: () => client.quit() });
  return client;
}

/** Every key of this file starts with it; all are deleted after the file. */
const FILE_PREFIX = redisTestPrefix("storage-redis", url);
function prefix(): string {
  return `${FILE_PREFIX}-${Math.random().toString(36).slice(2, 10)}`;
}

describe.skipIf(url === undefined)("RedisTokenStore", () => {
  describeTokenStoreConformance("RedisTokenStore (ioredis)", () => {
    const p = prefix();
    return { store: new RedisTokenStore({ client: ioredis(), prefix: p }), peer: new RedisTokenStore({ client: ioredis(), prefix: p }) };
  });

  describeTokenStoreConformance("RedisTokenStore (node-redis)", async () => {
    const p = prefix();
    return { store: new RedisTokenStore({ client: await nodeRedis(), prefix: p }), peer: new RedisTokenStore({ client: await nodeRedis(), prefix: p }) };
  });

  describe("details", () => {
    let redis: Redis;
    beforeAll(() => {
      redis = ioredis();
    });
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "alice" });

    it("keys carry one hash tag per token key, so token and lock share a slot", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: "mly" });
      expect(store.tokenKeyOf(key)).toBe("mly:{mapillary:1234:alice}:token");
      expect(store.lockKeyOf(key)).toBe("mly:{mapillary:1234:alice}:lock");
      expect(store.tokenKeyOf("a}b{c%")).toBe("mly:{a%7Db%7Bc%25}:token");
      const slot = async (name: string): Promise<unknown> => redis.call("CLUSTER", "KEYSLOT", name).catch(() => "no-cluster-command");
      expect(await slot(store.tokenKeyOf("a}b"))).toBe(await slot(store.lockKeyOf("a}b")));
    });

    it("entry TTL follows token expiry plus a grace; never-expiring tokens get none", async () => {
      const p = prefix();
      const store = new RedisTokenStore({ client: redis, prefix: p, graceMs: 60_000, refreshGraceMs: 600_000 });
      const now = Date.now();
      await store.set(key, sampleTokenSet("short", { expiresAt: now + 10_000, refreshToken: undefined }));
      const ttlShort = await redis.pttl(store.tokenKeyOf(key));
      expect(ttlShort).toBeGreaterThan(65_000);
      expect(ttlShort).toBeLessThanOrEqual(70_000);
      await store.set(key, sampleTokenSet("refreshable", { expiresAt: now + 10_000 }));
      expect(await redis.pttl(store.tokenKeyOf(key))).toBeGreaterThan(600_000);
      await store.set(key, sampleTokenSet("forever", { expiresAt: null }));
      expect(await redis.pttl(store.tokenKeyOf(key))).toBe(-1);
      await store.set(key, sampleTokenSet("expired", { expiresAt: now - 10 * 86_400_000, refreshToken: undefined }));
      const gone = await redis.pttl(store.tokenKeyOf(key));
      expect(gone).toBeGreaterThan(0);
      expect(gone).toBeLessThanOrEqual(1_000);
    });

    it("falls back to EVAL after SCRIPT FLUSH (NOSCRIPT)", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: prefix() });
      const v1 = await store.set(key, sampleTokenSet("a"));
      await redis.script("FLUSH");
      expect(await store.set(key, sampleTokenSet("b"), { expectedVersion: v1 })).toBeGreaterThan(v1);
    });

    for (const [what, field, value, problem] of [
      ["truncated JSON", "data", '{"v":1,"kind":"user"', "token: not a JSON object"],
      ["a token with a bad field", "data", JSON.stringify({ ...tokenSetToJSON(sampleTokenSet("bad")), access_token: 42 }), "token field access_token"],
      ["a token of an unknown format version", "data", JSON.stringify({ ...tokenSetToJSON(sampleTokenSet("bad")), v: 9 }), "token field v"],
      ["a bad entry version", "version", "zero", "entry shape"],
    ] as const) {
      it(`a damaged entry (${what}) → StorageError naming it and what is wrong, renamed aside`, async () => {
        const p = prefix();
        const store = new RedisTokenStore({ client: redis, prefix: p });
        await store.set(key, sampleTokenSet("a"));
        await redis.hset(store.tokenKeyOf(key), field, value);
        const error = await store.get(key).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect((error as Error).message).toContain(`${store.tokenKeyOf(key)} is damaged (${problem})`);
        expect((error as Error).message).not.toContain("at-bad");
        const aside = await redis.keys(`${p}:{*}:corrupt:*`);
        expect(aside).toHaveLength(1);
        expect((error as Error).message).toContain(aside[0]);
        expect(await redis.hget(aside[0]!, field)).toBe(value);
        expect(await store.get(key)).toBeUndefined();
      });
    }

    it("reads an entry written before tokenSetToJSON existed (the same bytes)", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: prefix() });
      const stored =
        '{"v":1,"kind":"client_app","access_token":"at-old","token_type":"bearer","scopes":["https://api.mapiq.com/public/.default"],"issued_at":1700000000000,"expires_at":4000000000000,"provider":"mapiq","resource":"https://api.mapiq.com"}';
      await redis.hset(store.tokenKeyOf(key), "version", "4", "data", stored);
      await redis.pexpire(store.tokenKeyOf(key), 60_000);
      const read = await store.get(key);
      expect(read?.version).toBe(4);
      expect(read?.tokens.resource).toBe("https://api.mapiq.com");
      expect(await store.set(key, read!.tokens, { expectedVersion: 4 })).toBeGreaterThan(4);
      expect(await redis.hget(store.tokenKeyOf(key), "data")).toBe(stored);
    });

    it("an error reply (wrong type) → StorageError, not BackendUnavailableError", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: prefix() });
      await redis.set(store.tokenKeyOf(key), "a plain string", "PX", 60_000);
      await expect(store.get(key)).rejects.toBeInstanceOf(StorageError);
      await expect(store.set(key, sampleTokenSet("x"))).rejects.toBeInstanceOf(StorageError);
    });

    it("never reuses a version after a delete, so a stale compare-and-set fails (no ABA)", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: prefix() });
      const read = await store.set(key, sampleTokenSet("a"));
      await store.delete(key);
      await store.set(key, sampleTokenSet("b"));
      await expect(store.set(key, sampleTokenSet("c"), { expectedVersion: read })).rejects.toBeInstanceOf(VersionConflictError);
    });

    it("a failed write never carries the token in its cause chain (ioredis puts the command's arguments on its errors)", async () => {
      const store = new RedisTokenStore({ client: redis, prefix: prefix() });
      await redis.set(store.tokenKeyOf(key), "a plain string", "PX", 60_000);
      const tokens = sampleTokenSet("the-secret-access-token");
      const error = await store.set(key, tokens).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      const printed = inspect(error, { depth: Infinity, showHidden: true }) + JSON.stringify(error);
      expect(printed).not.toContain(tokens.accessToken.reveal());
      expect(printed).not.toContain(tokens.refreshToken?.reveal() ?? "no refresh token");
    });

    it("a client that never answers → BackendUnavailableError within timeoutMs", async () => {
      const store = new RedisTokenStore({ client: { send: () => new Promise<never>(() => undefined) }, timeoutMs: 200 });
      const started = Date.now();
      await expect(store.get(key)).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(store.lock(key, { ttlMs: 1_000 })).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(15_000); // hang detection only: the client never answers
    });

    it("a client that throws synchronously or has a closed connection → BackendUnavailableError", async () => {
      const throwing = new RedisTokenStore({ client: { send: () => { throw new Error("socket closed"); } } });
      await expect(throwing.get(key)).rejects.toBeInstanceOf(BackendUnavailableError);
      const closed = createClient({ url: url ?? "" });
      const store = new RedisTokenStore({ client: closed });
      await expect(store.get(key)).rejects.toBeInstanceOf(BackendUnavailableError);
    });

    it("rejects clients of unknown shape", () => {
      expect(() => toRedisCommander({} as never)).toThrow(TypeError);
    });
  });
});
