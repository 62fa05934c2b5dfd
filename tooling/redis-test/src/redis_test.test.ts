import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type * as redisTest from "./mod.ts";
import { answers, ciIsSet, freePort, redisServerBinary, skipLoudly, startRedisServer, testRedis, testRedisUrl } from "./mod.ts";

const hasBinary = redisServerBinary() !== undefined;
const target = await testRedis();
afterAll(async () => {
  await target?.server?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

/** A fresh copy of the module, so its once-per-process memo starts empty. */
async function freshModule(): Promise<typeof redisTest> {
  vi.resetModules();
  return import("./mod.ts");
}

describe("answers / freePort", () => {
  it("says no for a free port and yes for the test Redis", async () => {
    expect(await answers(`redis://127.0.0.1:${await freePort()}`)).toBe(false);
    if (target !== undefined) expect(await answers(target.url)).toBe(true);
  });

  it("gives distinct usable ports", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});

describe("testRedis", () => {
  it("is found once per process and answers", async () => {
    expect(testRedis()).toBe(testRedis());
    expect(await testRedisUrl()).toBe(target?.url);
    if (target === undefined) return;
    const redis = new Redis(target.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.set("mly:redis-test:probe", "1", "PX", 1000)).toBe("OK");
    } finally {
      redis.disconnect();
    }
  });

  it.skipIf(!hasBinary)("starts its own redis-server when nothing answers at REDIS_URL, and looks again once it stopped", async () => {
    vi.stubEnv("REDIS_URL", `redis://127.0.0.1:${await freePort()}`);
    const fresh = await freshModule();
    const first = await fresh.testRedis();
    expect(first?.server).toBeDefined();
    expect(first?.url).not.toBe(process.env["REDIS_URL"]);
    expect(await answers(first?.url ?? "")).toBe(true);
    await first?.server?.stop();
    expect(await answers(first?.url ?? "")).toBe(false);
    const second = await fresh.testRedis();
    try {
      expect(second?.url).not.toBe(first?.url);
      expect(await answers(second?.url ?? "")).toBe(true);
    } finally {
      await second?.server?.stop();
    }
  });

  it("skips loudly without Redis and without redis-server, and fails under CI", async () => {
    vi.stubEnv("REDIS_URL", `redis://127.0.0.1:${await freePort()}`);
    vi.stubEnv("PATH", "");
    const notices: unknown[] = [];
    vi.spyOn(console, "error").mockImplementation((message: unknown) => {
      notices.push(message);
    });
    vi.stubEnv("CI", "");
    expect(await (await freshModule()).testRedis()).toBeUndefined();
    expect(String(notices[0])).toContain("REDIS TESTS SKIPPED");
    vi.stubEnv("CI", "true");
    await expect((await freshModule()).testRedis()).rejects.toThrow(/CI is set/);
  });
});

describe("skipLoudly / ciIsSet", () => {
  it("reads CI as set unless it is missing, empty or \"false\"", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const [value, set] of [["true", true], ["1", true], ["", false], ["false", false]] as const) {
      vi.stubEnv("CI", value);
      expect(ciIsSet()).toBe(set);
      if (set) expect(() => { skipLoudly("x"); }).toThrow(/CI is set/);
      else expect(() => { skipLoudly("x"); }).not.toThrow();
    }
  });
});

describe.skipIf(!hasBinary)("startRedisServer", () => {
  it("starts a private server that can be stopped and restarted on the same port", async () => {
    const server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0 });
    redis.on("error", () => undefined);
    try {
      expect(await redis.call("SCRIPT", "EXISTS", "0000000000000000000000000000000000000000")).toEqual([0]);
      await redis.set("k", "v");
    } finally {
      redis.disconnect();
    }
    await server.stop("SIGTERM");
    await server.stop(); // idempotent
    expect(await answers(server.url)).toBe(false);
    const again = await startRedisServer({ port: server.port });
    try {
      expect(again.url).toBe(server.url);
      const fresh = new Redis(again.url, { maxRetriesPerRequest: 0 });
      try {
        expect(await fresh.get("k")).toBeNull(); // no persistence
      } finally {
        fresh.disconnect();
      }
    } finally {
      await again.stop();
    }
  });

  it("throws when redis-server is not installed", async () => {
    vi.stubEnv("PATH", "");
    await expect(startRedisServer()).rejects.toThrow("redis-server is not installed");
  });
});
