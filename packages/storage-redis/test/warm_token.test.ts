// The warm token path on Redis: a RefreshCoordinator keeps a fresh token in process, so 1,000
// concurrent warm getToken calls cost one Redis read (a store wrapper counts the reads).
import { formatTokenKey, type StoredToken, type TokenStore } from "@mly/auth-core";
import { RefreshCoordinator } from "@mly/auth-core/orchestration";
import { redisTestPrefix, testRedis } from "@mly/redis-test";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisTokenStore } from "../src/redis_token_store.ts";

const target = await testRedis();
const url = target?.url;
const PREFIX = redisTestPrefix("storage-redis warm-token", url);
let client: Redis;
beforeAll(() => {
  if (url !== undefined) client = new Redis(url);
});
afterAll(async () => {
  if (url === undefined) return;
  await client.quit();
  await target?.server?.stop();
});

/** Counts the reads that reach the Redis store. */
function counting(store: RedisTokenStore): { store: TokenStore; reads: () => number } {
  let reads = 0;
  const wrapper: TokenStore = {
    get: (key): Promise<StoredToken | undefined> => {
      reads += 1;
      return store.get(key);
    },
    set: (key, tokens, options) => store.set(key, tokens, options),
    delete: (key) => store.delete(key),
    list: (prefix) => store.list(prefix),
    lock: (key, options) => store.lock(key, options),
  };
  return { store: wrapper, reads: () => reads };
}

describe.skipIf(url === undefined)("warm token path on Redis", () => {
  it("1,000 concurrent warm getToken calls → 1 Redis read, and the next 1,000 → none", async () => {
    const redisStore = new RedisTokenStore({ client, prefix: PREFIX });
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "warm" });
    await redisStore.set(key, sampleTokenSet("warm", { expiresAt: Date.now() + 30 * 86_400_000 }));
    try {
      const { store, reads } = counting(redisStore);
      const coordinator = new RefreshCoordinator({ store, renew: () => Promise.reject(new Error("no renewal expected")) });
      const first = await Promise.all(Array.from({ length: 1000 }, () => coordinator.getToken(key)));
      expect(reads()).toBe(1);
      expect(new Set(first.map((tokens) => tokens.accessToken.reveal()))).toEqual(new Set(["at-warm"]));
      await Promise.all(Array.from({ length: 1000 }, () => coordinator.getToken(key)));
      expect(reads()).toBe(1);
      expect(coordinator.refreshCount).toBe(0);
    } finally {
      await redisStore.delete(key);
    }
  });
});
