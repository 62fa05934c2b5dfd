// Checks that tests left no keys in the Redis at REDIS_URL (default redis://127.0.0.1:6379):
// no key of test run `run` (prefix `mly-test-<run>-`, see @mly/redis-test's redis-test prefix),
// or, without a run, no `mly-test-*` key at all. Keys may sit inside a hash tag (`{mly-test-…}:log`),
// so the pattern is `*mly-test-…*`. Prints what it found; nothing answering means the tests used
// private redis-servers, which are gone with their keys.
//   node tooling/scripts/check-redis-clean.mjs [run]
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("../redis-test/package.json", import.meta.url));
const { Redis } = require("ioredis");

/** Scans `pattern`; returns the keys, with their TTL in ms (-1: none). */
async function scan(client, pattern) {
  const found = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    for (const key of keys) found.push({ key, ttl: await client.pttl(key) });
  } while (cursor !== "0");
  return found;
}

/** Whether the Redis holds no key of test run `run` (every `mly-test-` key when `run` is undefined). */
export async function checkRedisClean(run) {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch {
    console.log(`redis-clean: nothing answers at ${url}; the tests used private redis-servers (gone with their keys).`);
    return true;
  }
  try {
    const all = await scan(client, "*mly-test-*");
    const mine = run === undefined ? all : all.filter(({ key }) => key.includes(`mly-test-${run}-`));
    const untimed = all.filter(({ ttl }) => ttl === -1).length;
    console.log(`redis-clean: ${url}: ${mine.length} key(s) left by ${run === undefined ? "tests" : `test run ${run}`}; ${all.length} mly-test-* key(s) in all (${untimed} without TTL).`);
    for (const { key, ttl } of mine.slice(0, 20)) console.log(`  left behind: ${key} (TTL ${ttl === -1 ? "none" : `${ttl} ms`})`);
    if (mine.length > 0) console.error("redis-clean: FAILED: tests must delete their keys (use redisTestPrefix from @mly/redis-test).");
    return mine.length === 0;
  } finally {
    client.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = (await checkRedisClean(process.argv[2])) ? 0 : 1;
}
