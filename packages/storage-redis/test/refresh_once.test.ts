import { join } from "node:path";
import { formatTokenKey } from "@mly/auth-core";
import { sampleTokenSet } from "@mly/storage/conformance-checks";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisTokenStore } from "../src/redis_token_store.ts";
import { bundleChild } from "./_bundle.ts";
import { spawnNode } from "./_children.ts";
import { testRedisUrl } from "./_redis.ts";
import { startTokenEndpoint, type TokenEndpoint } from "./_token_endpoint.ts";

const PROCESSES = 4;
const CALLERS = 250;
const url = await testRedisUrl();
let script: string;
let endpoint: TokenEndpoint;
let client: Redis;
beforeAll(async () => {
  if (url === undefined) return;
  script = await bundleChild(join(import.meta.dirname, "children", "refresher.ts"), join(import.meta.dirname, ".."), ["ioredis"]);
  endpoint = await startTokenEndpoint(100);
  client = new Redis(url);
});
afterAll(async () => {
  if (url === undefined) return;
  await endpoint.close();
  await client.quit();
});

describe.skipIf(url === undefined)("one refresh across processes (RedisTokenStore)", () => {
  it(`${PROCESSES} processes × ${CALLERS} concurrent callers on a token about to expire → exactly one refresh request`, async () => {
    const prefix = `mly-once-${Date.now().toString(36)}`;
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "shared" });
    const store = new RedisTokenStore({ client, prefix });
    const now = Date.now();
    await store.set(key, sampleTokenSet("expiring", { issuedAt: now - 3_600_000, expiresAt: now + 20_000 }));
    const children = Array.from({ length: PROCESSES }, () => spawnNode(script, [url ?? "", key, endpoint.url, String(CALLERS), prefix]));
    await Promise.all(children.map((child) => child.waitFor((line) => line === "ready")));
    for (const child of children) child.process.stdin?.write("go\n");
    const reports = await Promise.all(
      children.map(async (child) => JSON.parse(await child.waitFor((line) => line.startsWith("{"), 60_000)) as { tokens: string[]; renewals: number }),
    );
    expect(endpoint.count).toBe(1);
    expect(endpoint.presented).toEqual(["rt-expiring"]);
    for (const report of reports) expect(report.tokens).toEqual(["at-refreshed-1"]);
    const stored = await store.get(key);
    expect(stored?.tokens.refreshToken?.reveal()).toBe("rt-refreshed-1");
    expect(await client.pttl(store.tokenKeyOf(key))).toBeGreaterThan(3_600_000);
    console.log(`redis store: ${PROCESSES * CALLERS} callers in ${PROCESSES} processes → ${endpoint.count} refresh request(s); renewals started per process: ${reports.map((r) => r.renewals).join(", ")}`);
    await client.del(store.tokenKeyOf(key));
  });
});
