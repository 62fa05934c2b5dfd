import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { deleteTestKeys, redisTestPrefix, TEST_KEY_MARK, TEST_RUN_ENV, uniqueTestPrefix } from "./prefix.ts";
import { freePort } from "./free_port.ts";
import { testRedis } from "./test_redis.ts";

const target = await testRedis();
const prefix = redisTestPrefix("redis-test prefix");
afterAll(async () => {
  await target?.server?.stop();
});

describe("uniqueTestPrefix", () => {
  it("is marked, labelled, unique, and carries the run id when one is set", () => {
    try {
      vi.stubEnv(TEST_RUN_ENV, ""); // the root `pnpm test` sets one
      const a = uniqueTestPrefix("Storage Redis!");
      expect(a.startsWith(`${TEST_KEY_MARK}storage-redis-`)).toBe(true);
      expect(a).toMatch(/^[a-z0-9-]+$/);
      expect(uniqueTestPrefix("Storage Redis!")).not.toBe(a);
      vi.stubEnv(TEST_RUN_ENV, "Run 42");
      expect(uniqueTestPrefix("x").startsWith(`${TEST_KEY_MARK}run-42-x-`)).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe.skipIf(target === undefined)("deleteTestKeys", () => {
  it("deletes every key containing the prefix, also inside a hash tag, and nothing else", async () => {
    const redis = new Redis(target?.url ?? "", { maxRetriesPerRequest: 1 });
    const other = uniqueTestPrefix("bystander");
    try {
      const writes = redis.pipeline();
      for (let i = 0; i < 1500; i += 1) writes.set(`${prefix}:k${i}`, "1", "PX", 60_000);
      await writes.exec();
      await redis.set(`{${prefix}:rl}:log`, "1", "PX", 60_000);
      await redis.set(`mly:{${prefix}}:token`, "1", "PX", 60_000);
      await redis.set(`${other}:k`, "1", "PX", 60_000);
      expect(await deleteTestKeys(target?.url ?? "", prefix)).toBe(1502);
      expect(await redis.exists(`${prefix}:k0`, `{${prefix}:rl}:log`, `mly:{${prefix}}:token`)).toBe(0);
      expect(await redis.exists(`${other}:k`)).toBe(1);
    } finally {
      await redis.unlink(`${other}:k`);
      redis.disconnect();
    }
  });

  it("answers 0 when nothing listens (a private server already stopped)", async () => {
    expect(await deleteTestKeys(`redis://127.0.0.1:${await freePort()}`, prefix)).toBe(0);
  });
});
