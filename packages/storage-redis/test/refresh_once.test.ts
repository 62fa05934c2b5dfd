import { join } from "node:path";
import { redisTestPrefix, testRedis } from "@mly/redis-test";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleChild } from "../../storage/test/_bundle.ts";
import { CALLERS, expectOneRefresh, PROCESSES } from "../../storage/test/_refresh_once.ts";
import { RedisTokenStore } from "../src/redis_token_store.ts";

const target = await testRedis();
const url = target?.url;
/** The keys of this file (also those the child processes write); all deleted after the file. */
const PREFIX = redisTestPrefix("storage-redis refresh-once", url);
let script: string;
let client: Redis;
beforeAll(async () => {
  if (url === undefined) return;
  script = await bundleChild(join(import.meta.dirname, "children", "refresher.ts"), join(import.meta.dirname, ".."), ["ioredis"]);
  client = new Redis(url);
});
afterAll(async () => {
  if (url === undefined) return;
  await client.quit();
  await target?.server?.stop(); // the redis-server started when nothing answered at REDIS_URL
});

describe.skipIf(url === undefined)("one refresh across processes (RedisTokenStore)", () => {
  it(`${PROCESSES} processes × ${CALLERS} concurrent callers on a token about to expire → exactly one refresh request`, async () => {
    const prefix = PREFIX;
    const store = new RedisTokenStore({ client, prefix });
    const { key } = await expectOneRefresh({
      store,
      script,
      childArgs: (key, endpointUrl, callers) => [url ?? "", key, endpointUrl, String(callers), prefix],
      label: "redis store",
    });
    expect(await client.pttl(store.tokenKeyOf(key))).toBeGreaterThan(3_600_000);
    await client.del(store.tokenKeyOf(key));
  });
});
