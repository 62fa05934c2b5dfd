import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { testRedisUrl } from "./test_redis.ts";

/** The mark in every key prefix handed to tests: `redis-cli --scan --pattern '*mly-test-*'` lists what tests left behind. */
export const TEST_KEY_MARK = "mly-test-";

/**
 * Env var naming one whole test run (the root `pnpm test` sets it): prefixes carry it, so the
 * check after the run finds this run's keys even on a Redis that other runs share.
 */
export const TEST_RUN_ENV = "MLY_TEST_RUN";

/**
 * A fresh key prefix for tests: `mly-test-[<run>-]<label>-<random>` (lower-case letters, digits
 * and `-` only, so it needs no escaping in a SCAN pattern).
 *
 * @example
 * ```ts
 * import { uniqueTestPrefix } from "@mly/redis-test";
 * const prefix = uniqueTestPrefix("storage-redis"); // "mly-test-storage-redis-m4x1q2-9f3a0c1d"
 * ```
 */
export function uniqueTestPrefix(label: string): string {
  const run = slug(process.env[TEST_RUN_ENV] ?? "");
  const name = slug(label) || "keys";
  return `${TEST_KEY_MARK}${run === "" ? "" : `${run}-`}${name}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Deletes every key whose name contains `prefix` (SCAN + UNLINK: it also finds keys where the
 * prefix sits inside a hash tag, such as `{<prefix>:…}:log`); returns how many it deleted. A Redis
 * that does not answer (a private server already stopped) has nothing left to delete: 0.
 *
 * @example
 * ```ts
 * import { deleteTestKeys, uniqueTestPrefix } from "@mly/redis-test";
 * const deleted = await deleteTestKeys("redis://127.0.0.1:6379", uniqueTestPrefix("demo"));
 * ```
 */
export async function deleteTestKeys(url: string, prefix: string): Promise<number> {
  const pattern = `*${escapeGlob(prefix)}*`;
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch {
    client.disconnect();
    return 0;
  }
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    client.disconnect();
  }
}

/**
 * A key prefix for one test file, whose keys are all deleted after the file (`afterAll`): call
 * it at the top level of the test file and put every Redis key the file writes (directly, or
 * through a store, limiter or child process) under it.
 *
 * `url` is the Redis to clean (default: {@link testRedisUrl}); `undefined` there means the Redis
 * tests are skipped and there is nothing to clean.
 *
 * @example
 * ```ts
 * import { redisTestPrefix } from "@mly/redis-test";
 * const prefix = redisTestPrefix("rate-limiter"); // keys deleted after this file
 * ```
 */
export function redisTestPrefix(label: string, url: string | undefined | Promise<string | undefined> = testRedisUrl()): string {
  const prefix = uniqueTestPrefix(label);
  // Found now, while the file's Redis is up: looking it up again in afterAll could start another one.
  const found = Promise.resolve(url).catch(() => undefined);
  afterAll(async () => {
    const resolved = await found;
    if (resolved !== undefined) await deleteTestKeys(resolved, prefix);
  });
  return prefix;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
