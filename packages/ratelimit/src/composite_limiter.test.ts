import { AbortedError, ConfigError, mapillary, mapillaryV2, mapiq, type ProviderProfile, type RateLimitPermit, type RateLimiter } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@mly/auth-core/testing";
import { CompositeLimiter } from "./composite_limiter.ts";
import { createRateLimiter, LocalRateLimiter } from "./local_limiter.ts";
import { policiesFor } from "./policies.ts";

describe("CompositeLimiter", () => {
  it("takes a slot in every part and settles or cancels them all", async () => {
    const time = createManualClock(1_000_000);
    const minute = createRateLimiter({ limit: 2, windowMs: 100, marginMs: 0, mode: "burst", clock: time });
    const day = createRateLimiter({ limit: 3, windowMs: 10_000, marginMs: 0, mode: "burst", clock: time });
    const limiter = new CompositeLimiter((key) => [
      { limiter: day, key },
      { limiter: minute, key },
    ]);
    expect(limiter.partsOf("app")).toHaveLength(2);
    await (await limiter.acquire("app")).settle();
    await (await limiter.acquire("app")).cancel();
    expect(day.stats("app")).toMatchObject({ slots: 1, inflight: 0 });
    expect(minute.stats("app")).toMatchObject({ slots: 1, inflight: 0 });
    const granted: number[] = [];
    const t0 = time.now();
    const permits: RateLimitPermit[] = [];
    for (let i = 0; i < 3; i += 1) {
      void limiter.acquire("app").then((p) => {
        granted.push(time.now() - t0);
        permits.push(p);
        void p.settle();
      });
    }
    await time.tick(20_000);
    // Minute budget: 2 per 100 ms (one slot used at t0); day budget: 3 per 10 s (one used at t0):
    // the second waits for the minute budget, the third for the day budget.
    expect(granted).toEqual([0, 100, 10_000]);
    await limiter.pause("app", 50);
    expect(minute.stats("app").pausedUntil).toBeGreaterThan(0);
  });

  it("settles in-memory parts at once, and a part that throws as a rejection after every part was settled", async () => {
    const time = createManualClock(1_000_000);
    const minute = createRateLimiter({ limit: 5, windowMs: 100, mode: "burst", clock: time });
    const day = createRateLimiter({ limit: 5, windowMs: 10_000, mode: "burst", clock: time });
    const limiter = new CompositeLimiter((key) => [
      { limiter: day, key },
      { limiter: minute, key },
    ]);
    const permit = await limiter.acquire("app");
    expect(permit.settle({ status: 200 })).toBeUndefined();
    expect([day.stats("app").slots, minute.stats("app").slots]).toEqual([1, 1]);
    // One budget: its own permit, passed through.
    const own: RateLimitPermit = { settle: () => undefined, cancel: () => undefined };
    const single = new CompositeLimiter((key) => [{ limiter: { acquire: () => Promise.resolve(own), pause: () => undefined }, key }]);
    expect(await single.acquire("solo")).toBe(own);
    const failing: RateLimiter = {
      acquire: () => Promise.resolve({ settle: () => { throw new Error("backend down"); }, cancel: () => undefined }),
      pause: () => undefined,
    };
    const mixed = new CompositeLimiter((key) => [
      { limiter: failing, key },
      { limiter: day, key },
    ]);
    await expect((await mixed.acquire("mixed")).settle({ status: 200 })).rejects.toThrow("backend down");
    expect(day.stats("mixed").slots).toBe(1);
  });

  it("gives back the slots already taken when a later part fails", async () => {
    const time = createManualClock(1_000_000);
    const first = createRateLimiter({ limit: 5, windowMs: 100, mode: "burst", clock: time });
    const second = createRateLimiter({ limit: 1, windowMs: 100_000, mode: "burst", clock: time });
    const limiter = new CompositeLimiter((key) => [
      { limiter: first, key },
      { limiter: second, key },
    ]);
    await limiter.acquire("k");
    const controller = new AbortController();
    const waiting = limiter.acquire("k", { signal: controller.signal });
    await time.tick(10);
    expect(first.stats("k").inflight).toBe(2);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(first.stats("k").inflight).toBe(1);
  });
});

describe("policiesFor", () => {
  it("builds one limiter per documented policy and routes requests to it", async () => {
    const limiter = policiesFor(mapiq, { mode: "burst" });
    expect([...limiter.limiters.keys()]).toEqual(["endpoint"]);
    const endpoint = limiter.limiters.get("endpoint") as LocalRateLimiter;
    expect(endpoint.limit).toBe(20);
    expect(endpoint.mode).toBe("burst");
    const key = limiter.keyFor("GET", "https://api.mapiq.com/v2/buildings/42");
    expect(key).toBe("GET https://api.mapiq.com/v2/buildings/42");
    await (await limiter.acquire(key)).settle({ status: 200 });
    expect(endpoint.stats("mapiq:endpoint:GET /v2/buildings/{id}").slots).toBe(1);
    await limiter.pause(key, 1000);
    expect(endpoint.stats("mapiq:endpoint:GET /v2/buildings/{id}").pausedUntil).toBeGreaterThan(0);
    // The keys @mly/fetch sends (core's rateLimitKeys) route to their policy directly.
    await (await limiter.acquire("mapiq:endpoint:GET /v2/users")).settle({ status: 200 });
    expect(endpoint.stats("mapiq:endpoint:GET /v2/users").slots).toBe(1);
    expect(() => limiter.partsOf("/v2/buildings")).toThrow(ConfigError);
    expect(() => limiter.partsOf("FETCH /v2/buildings")).toThrow(ConfigError);
  });

  it("keys Mapillary per app, tiles per day, and lets unlimited providers pass", async () => {
    const limiter = policiesFor(mapillary);
    const graph = limiter.limiters.get("graph") as LocalRateLimiter;
    const tiles = limiter.limiters.get("tiles") as LocalRateLimiter;
    expect([graph.limit, graph.windowMs, tiles.windowMs]).toEqual([50_000, 60_000, 86_400_000]);
    await (await limiter.acquire("GET https://tiles.mapillary.com/maps/vtp/mly1_public/2/1/2/3")).settle();
    expect(tiles.stats("mapillary:tiles").slots).toBe(1);
    expect(graph.stats("mapillary:graph").slots).toBe(0);
    const none = policiesFor(mapillaryV2);
    await (await none.acquire("GET https://a.mapillary.com/v2/me")).settle();
  });

  it("routes a policy key to the same budget however many other keys came between", async () => {
    const limiter = policiesFor(mapiq, { mode: "burst" });
    const endpoint = limiter.limiters.get("endpoint") as LocalRateLimiter;
    const first = "mapiq:endpoint:GET /v2/buildings/{id}";
    await (await limiter.acquire(first)).settle({ status: 200 });
    const remembered = limiter.partsOf(first);
    expect(limiter.partsOf(first)).toBe(remembered);
    // More keys than the limiter remembers the budgets of (1,000): the first one is forgotten and worked out again.
    for (let i = 0; i < 1_000; i += 1) expect(limiter.partsOf(`mapiq:endpoint:GET /v2/route${i}`)).toEqual([{ limiter: endpoint, key: `mapiq:endpoint:GET /v2/route${i}` }]);
    const again = limiter.partsOf(first);
    expect(again).not.toBe(remembered);
    expect(again).toEqual([{ limiter: endpoint, key: first }]);
    await (await limiter.acquire(first)).settle({ status: 200 });
    expect(endpoint.stats(first).slots).toBe(2);
    // A request line (not a policy key) is worked out every time: its URLs are not a bounded set.
    const line = limiter.keyFor("GET", "https://api.mapiq.com/v2/buildings/42");
    expect(limiter.partsOf(line)).not.toBe(limiter.partsOf(line));
  });

  it("takes a custom factory and orders composite parts longest window first", async () => {
    const profile: ProviderProfile = {
      ...mapillary,
      rateLimits: [
        { name: "minute", limit: 10, windowMs: 60_000, per: "app", appliesTo: "api" },
        { name: "day", limit: 1000, windowMs: 86_400_000, per: "app", appliesTo: "api" },
      ],
    };
    const made: string[] = [];
    const limiter = policiesFor(profile, {
      create: (policy) => {
        made.push(policy.name);
        return new LocalRateLimiter({ limit: policy.limit, windowMs: policy.windowMs });
      },
    });
    expect(made).toEqual(["minute", "day"]);
    expect(limiter.partsOf("GET https://graph.mapillary.com/me").map((p) => p.key)).toEqual(["mapillary:day", "mapillary:minute"]);
    await (await limiter.acquire("GET https://graph.mapillary.com/me")).settle();
  });
});
