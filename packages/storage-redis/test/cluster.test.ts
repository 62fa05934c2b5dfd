import { BackendUnavailableError, formatTokenKey } from "@mly/auth-core";
import { testRedisCluster } from "@mly/redis-test";
import { describeTokenStoreConformance } from "@mly/storage/conformance";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleChild } from "../../storage/test/_bundle.ts";
import { CALLERS, expectOneRefresh, PROCESSES } from "../../storage/test/_refresh_once.ts";
import { RedisTokenStore } from "../src/redis_token_store.ts";
import { closeClusterClients, ioredisCluster, nodeRedisCluster } from "./_cluster_clients.ts";

/** REDIS_CLUSTER_NODES (set by .ci/run), else a private cluster for this file, else a loud skip (an error under CI). */
const target = await testRedisCluster();
const nodes = target?.nodes ?? [];
afterAll(async () => {
  await closeClusterClients();
  await target?.cluster?.stop(); // every node, by pid
});

const prefix = (): string => `mly-cluster-test-${Math.random().toString(36).slice(2, 10)}`;

const clients = {
  "ioredis Cluster": () => Promise.resolve(ioredisCluster(nodes)),
  "node-redis createCluster": () => nodeRedisCluster(nodes),
} as const;

describe.skipIf(target === undefined)("RedisTokenStore on Redis Cluster", () => {
  for (const [name, open] of Object.entries(clients)) {
    describeTokenStoreConformance(`RedisTokenStore (${name})`, async () => {
      const p = prefix();
      return { store: new RedisTokenStore({ client: await open(), prefix: p }), peer: new RedisTokenStore({ client: await open(), prefix: p }) };
    });

    it(`${name}: list scans every master — 30 keys, 3 calls in a row, all 30 each time`, async () => {
      const store = new RedisTokenStore({ client: await open(), prefix: prefix() });
      const keys = Array.from({ length: 30 }, (_, i) => formatTokenKey({ provider: "mapillary", clientId: "1234", profile: `user-${String(i).padStart(2, "0")}` }));
      for (const key of keys) await store.set(key, sampleTokenSet(key, { expiresAt: Date.now() + 60_000, refreshToken: undefined }));
      try {
        for (let call = 0; call < 3; call += 1) expect(await store.list("mapillary:")).toEqual(keys);
        expect(await store.list("mapillary:1234:user-1")).toEqual(keys.slice(10, 20));
      } finally {
        for (const key of keys) await store.delete(key);
      }
      expect(await store.list()).toEqual([]);
    });
  }

  it.each(["ioredis", "node-redis"])(`%s: ${PROCESSES} processes × ${CALLERS} concurrent callers on a token about to expire → exactly one refresh request`, async (kind) => {
    const script = await bundleChild(join(import.meta.dirname, "children", "cluster_refresher.ts"), join(import.meta.dirname, ".."), ["ioredis", "redis"]);
    const p = prefix();
    const store = new RedisTokenStore({ client: ioredisCluster(nodes), prefix: p });
    const seeds = nodes.map(({ host, port }) => `${host}:${port}`).join(",");
    const { key } = await expectOneRefresh({
      store,
      script,
      childArgs: (key, endpointUrl, callers) => [kind, seeds, key, endpointUrl, String(callers), p],
      label: `redis store on Redis Cluster (${kind})`,
    });
    await store.delete(key);
  });

  it("a client used the wrong way (a cluster's sendCommand handed over as a plain client's) → a TypeError saying so, not BackendUnavailableError", async () => {
    const cluster = await nodeRedisCluster(nodes);
    // What mly used to do with every node-redis cluster: call sendCommand(args).
    const store = new RedisTokenStore({ client: { sendCommand: (args: string[]) => (cluster.sendCommand as (...a: unknown[]) => Promise<unknown>)(args) } });
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "mistake" });
    for (const call of [() => store.get(key), () => store.set(key, sampleTokenSet("secret-at-mistake")), () => store.list()]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toMatch(/programming error, not an outage — retrying will not help/);
      expect((error as Error).message).toMatch(/createCluster/);
      expect((error as Error).message).not.toContain("secret-at-mistake");
    }
  });
});
