import { BackendUnavailableError, formatTokenKey } from "@mly/auth-core";
import { redisServerBinary, skipLoudly, startRedisServer } from "@mly/redis-test";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisTokenStore } from "../src/redis_token_store.ts";

const binary = redisServerBinary();
if (binary === undefined) skipLoudly("REDIS RESTART TEST SKIPPED: redis-server is not installed");

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "restart" });

async function failsFast(store: RedisTokenStore): Promise<number> {
  const started = Date.now();
  const outcomes = await Promise.allSettled([
    store.get(key),
    store.set(key, sampleTokenSet("down")),
    store.delete(key),
    store.list(),
    store.lock(key, { ttlMs: 5_000, waitMs: 60_000 }),
  ]);
  for (const outcome of outcomes) {
    expect(outcome.status).toBe("rejected");
    if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(BackendUnavailableError);
  }
  return Date.now() - started;
}

describe.skipIf(binary === undefined)("Redis stopped mid-run and restarted (own redis-server, never the shared one)", () => {
  it("ioredis: calls fail fast with BackendUnavailableError while it is down and work again after the restart", async () => {
    const server = await startRedisServer();
    stops.push(() => server.stop());
    const client = new Redis(server.url, { retryStrategy: () => 50 });
    client.on("error", () => undefined);
    stops.push(async () => { client.disconnect(); });
    const store = new RedisTokenStore({ client, timeoutMs: 1_000 });
    const version = await store.set(key, sampleTokenSet("before"));
    await server.stop();
    const elapsed = await failsFast(store);
    expect(elapsed).toBeLessThan(20_000); // hang detection only: far below the lock's 60 s wait
    const again = await startRedisServer({ port: server.port });
    stops.push(() => again.stop());
    await expect.poll(async () => store.get(key).then(() => "up", (e: unknown) => (e as Error).name), { timeout: 30_000, interval: 100 }).toBe("up");
    // No persistence: the restarted server is empty; the store works again.
    expect(await store.get(key)).toBeUndefined();
    expect(await store.set(key, sampleTokenSet("after"), { expectedVersion: null })).toBeGreaterThan(0);
    const lock = await store.lock(key, { ttlMs: 5_000, waitMs: 1_000 });
    await lock.release();
    console.log(`ioredis: 5 calls while Redis was down failed with BackendUnavailableError in ${elapsed} ms (version before the stop: ${version})`);
  }, 90_000);

  it("node-redis: the same", async () => {
    const server = await startRedisServer();
    stops.push(() => server.stop());
    const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
    client.on("error", () => undefined);
    await client.connect();
    stops.push(async () => { client.destroy(); });
    const store = new RedisTokenStore({ client, timeoutMs: 1_000 });
    await store.set(key, sampleTokenSet("before"));
    await server.stop();
    const elapsed = await failsFast(store);
    expect(elapsed).toBeLessThan(20_000); // hang detection only: far below the lock's 60 s wait
    const again = await startRedisServer({ port: server.port });
    stops.push(() => again.stop());
    await expect.poll(async () => store.get(key).then(() => "up", (e: unknown) => (e as Error).name), { timeout: 30_000, interval: 100 }).toBe("up");
    expect(await store.set(key, sampleTokenSet("after"))).toBeGreaterThanOrEqual(1);
    console.log(`node-redis: 5 calls while Redis was down failed with BackendUnavailableError in ${elapsed} ms`);
  }, 90_000);
});
