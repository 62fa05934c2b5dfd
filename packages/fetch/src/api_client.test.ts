import { inspect } from "node:util";
import { AbortedError, authorizeRequest, ConfigError, formatTokenKey, LoginRequiredError, RateLimitedError, type RateLimiter, type RateLimitPermit } from "@mly/auth-core";
import { MemoryTokenStore, createTokenRenewer, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { createManualClock } from "@mly/auth-core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import { loggedInStore, recordingLimiter, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient } from "./api_client.ts";
import { createKyTransport } from "./ky_transport.ts";
import { getEntity, iterateImages } from "./mapillary_images.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld({ settings: { mapiqRateLimit: { limit: 1000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await world.sandbox.close();
});
afterEach(() => {
  world.sandbox.resetRateLimits();
  world.sandbox.faults.clear();
});

const userTokenCalls = (): number =>
  world.sandbox.log.count((e) => e.credential === "user-token" && e.api === "mapillary" && e.route !== "/mapillary/graph/token");

describe("Mapillary v4 API client", () => {
  it("sends the user token in an OAuth header, never in the URL", async () => {
    const { store } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store });
    world.sandbox.log.clear();
    const me = await api.ky.get("me", { searchParams: { fields: "id,username" } }).json<{ id: string }>();
    expect(me.id).toMatch(/^\d+$/);
    const images = [];
    for await (const image of iterateImages(api.ky, { bbox: [-180, -90, 180, 90], fields: ["id", "captured_at"], pageSize: 50, limit: 120 })) images.push(image);
    expect(images).toHaveLength(120);
    expect(new Set(images.map((i) => i.id)).size).toBe(120);
    const entity = await getEntity(api.ky, images[0]!.id, ["id", "captured_at"]);
    expect(entity["id"]).toBe(images[0]!.id);
    expect(userTokenCalls()).toBeGreaterThanOrEqual(5);
    expect(world.sandbox.log.count((e) => e.credential === "user-token" && e.credentialLocation === "url")).toBe(0);
  });

  it("refuses to put a user token into a tile URL unless the caller opts in", async () => {
    const { tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const tile = `${world.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/1/1/1`;
    expect(() => authorizeRequest(world.mapillary, tokens, { url: tile })).toThrow(ConfigError);
  });

  it("uses the client token for tiles and app-level calls", async () => {
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true });
    const response = await api.ky.get(`${world.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/1/1/1`, { prefixUrl: "" });
    expect(response.status).toBe(200);
    expect(world.sandbox.log.last()?.credentialLocation).toBe("url");
    expect(world.sandbox.log.last()?.credential).toBe("client-token");
  });

  it("refreshes ahead of expiry, once, for 1,000 concurrent requests", { timeout: 90_000 }, async () => {
    const clock = createManualClock(Date.now());
    const { store } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, clock });
    await api.ky.get("me").json();
    // 59 days later the 60-day token is within its refresh margin (but still valid at the server).
    clock.advance(59 * 86_400_000);
    world.sandbox.log.clear();
    const results = await Promise.all(Array.from({ length: 1000 }, () => api.ky.get("me").json<{ id: string }>()));
    expect(results.every((r) => typeof r.id === "string")).toBe(true);
    expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
    expect(api.coordinator?.refreshCount).toBe(1);
  });

  it("clients built on one shared coordinator refresh once between them", async () => {
    const clock = createManualClock(Date.now());
    const { store, key } = await loggedInStore(world.mapillary, world.mlyClient);
    const coordinator = new RefreshCoordinator({
      store,
      renew: createTokenRenewer({ profile: world.mapillary, client: world.mlyClient, transport: createKyTransport(), clock }),
      clock,
    });
    // One client per request, as a web app builds them, all on the app's one coordinator.
    const client = (): ReturnType<typeof createApiClient> => createApiClient({ profile: world.mapillary, client: world.mlyClient, store, tokenKey: key, coordinator, clock });
    expect(client().coordinator).toBe(coordinator);
    clock.advance(59 * 86_400_000);
    world.sandbox.log.clear();
    const results = await Promise.all(Array.from({ length: 200 }, () => client().ky.get("me").json<{ id: string }>()));
    expect(results.every((r) => typeof r.id === "string")).toBe(true);
    expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
    expect(coordinator.refreshCount).toBe(1);
  });

  it("takes the token after the limiter's wait, so a long queue never sends a stale token", async () => {
    const clock = createManualClock(Date.now());
    const { store } = await loggedInStore(world.mapillary, world.mlyClient);
    // A limiter whose queue lasts until the token is due for refresh.
    const limiter: RateLimiter = {
      acquire: (): Promise<RateLimitPermit> => {
        clock.advance(59 * 86_400_000);
        return Promise.resolve({ settle: () => undefined, cancel: () => undefined });
      },
      pause: () => undefined,
    };
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, clock, limiter });
    world.sandbox.log.clear();
    await api.ky.get("me").json();
    expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
    const me = world.sandbox.log.last({ route: "/mapillary/graph/me" });
    const stored = await store.get(api.tokenKey);
    expect(me?.status).toBe(200);
    expect(stored?.tokens.issuedAt).toBe(clock.now());
  });

  it("a revoked token gets one refresh attempt, then LoginRequiredError", async () => {
    const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store });
    world.sandbox.revokeToken(tokens.accessToken.reveal());
    world.sandbox.log.clear();
    const error = await api.ky.get("me").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
  });

  it("a 401 on an expired token renews it once and replays the call", async () => {
    world.sandbox.settings.mapillaryRefreshTokens = true;
    try {
      const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
      expect(tokens.refreshToken).toBeDefined();
      const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store });
      // The server expires the token although the client still believes it valid.
      world.sandbox.faults.inject({ route: "/mapillary/graph/me", fault: { kind: "expire-token" } });
      world.sandbox.log.clear();
      const me = await api.ky.get("me").json<{ id: string }>();
      expect(me.id).toMatch(/^\d+$/);
      expect(world.sandbox.log.count({ grantType: "refresh_token" })).toBe(1);
      expect(world.sandbox.log.count({ route: "/mapillary/graph/me" })).toBe(2);
      const stored = await store.get(api.tokenKey);
      expect(stored?.tokens.accessToken.equals(tokens.accessToken)).toBe(false);
    } finally {
      world.sandbox.settings.mapillaryRefreshTokens = false;
    }
  });

  it("the app budget answers 403 code 4: a typed RateLimitedError with the wait, and the key pauses in the limiter", async () => {
    world.sandbox.settings.mapillaryAppBudget = { limit: 3, windowMs: 60_000 };
    try {
      // x-app-usage is ignored here (it pauses the key from the 3rd call on): the 4th call reaches the server.
      const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true, appUsageThreshold: 1000 });
      const images = (signal?: AbortSignal): Promise<unknown> => api.ky.get("images", { searchParams: { bbox: "-180,-90,180,90", limit: "1" }, ...(signal === undefined ? {} : { signal }) }).json();
      for (let i = 0; i < 3; i++) await images();
      const error = await images().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).source).toBe("graph-code");
      expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
      // The default limiter holds the pause: the next call waits in its queue without reaching
      // the server, until its own signal ends the wait.
      const before = world.sandbox.log.count();
      await expect(images(AbortSignal.timeout(300))).rejects.toBeInstanceOf(AbortedError);
      expect(world.sandbox.log.count()).toBe(before);
    } finally {
      world.sandbox.settings.mapillaryAppBudget = { limit: 50_000, windowMs: 60_000 };
    }
  });
  it("x-app-usage at the threshold: the response is kept, and its permit hands the limiter the wait, which pauses the key", async () => {
    // The sandbox counts the app budget in fixed windows aligned to the clock: a year-long window
    // has no boundary during the test (a minute-long one split the 5 calls now and then), and
    // the earlier tests' calls are forgotten first.
    world.sandbox.resetRateLimits();
    world.sandbox.settings.mapillaryAppBudget = { limit: 10, windowMs: 365 * 86_400_000 };
    try {
      const { limiter, settled } = recordingLimiter(adaptivePoliciesFor(world.mapillary));
      const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true, appUsageThreshold: 50, limiter });
      const images = (signal?: AbortSignal): Promise<{ data: unknown[] }> =>
        api.ky.get("images", { searchParams: { bbox: "-180,-90,180,90", limit: "1" }, ...(signal === undefined ? {} : { signal }) }).json();
      for (let i = 0; i < 4; i++) await images();
      expect(settled.map(([, outcome]) => outcome?.retryAfterMs)).toEqual([undefined, undefined, undefined, undefined]);
      // The 5th call brings usage to 50 %: its data still arrives…
      expect((await images()).data).toHaveLength(1);
      expect(settled[4]).toEqual(["mapillary:graph", { status: 200, retryAfterMs: expect.any(Number) as number }]);
      // …and the next one waits in the limiter, before reaching the server.
      const before = world.sandbox.log.count();
      await expect(images(AbortSignal.timeout(300))).rejects.toBeInstanceOf(AbortedError);
      expect(world.sandbox.log.count()).toBe(before);
    } finally {
      world.sandbox.settings.mapillaryAppBudget = { limit: 50_000, windowMs: 60_000 };
    }
  });
});

describe("Mapiq API client", () => {
  it("obtains a client-credentials token once and calls with Bearer", async () => {
    const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient });
    world.sandbox.log.clear();
    const list = await api.ky.get("v2/buildings").json<unknown>();
    expect(list).toBeTruthy();
    await api.ky.get("v2/users").json();
    expect(world.sandbox.log.count({ grantType: "client_credentials" })).toBe(1);
  });

  it("429 with Retry-After: a typed error, the wait handed to the limiter with the permit, and an optional bounded wait-and-retry", async () => {
    world.sandbox.settings.mapiqRateLimit = { limit: 2, windowMs: 1_500, shape: "sliding-log" };
    try {
      const { limiter, settled } = recordingLimiter();
      const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, limiter });
      await api.ky.get("v2/buildings").json();
      await api.ky.get("v2/buildings").json();
      const error = await api.ky.get("v2/buildings").json().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(settled.map(([key, outcome]) => [key, outcome?.status])).toEqual([
        ["mapiq:endpoint:GET /v2/buildings", 200],
        ["mapiq:endpoint:GET /v2/buildings", 200],
        ["mapiq:endpoint:GET /v2/buildings", 429],
      ]);
      expect(settled[2]?.[1]?.retryAfterMs).toBe((error as RateLimitedError).retryAfterMs);
      // The sandbox's Retry-After is whole seconds, at least 1: the header read as ms, not a time measured here.
      expect(settled[2]?.[1]?.retryAfterMs).toBeGreaterThanOrEqual(1000);

      world.sandbox.resetRateLimits();
      const patient = createApiClient({ profile: world.mapiq, client: world.mapiqClient, retryOnRateLimit: { maxWaitMs: 5_000 } });
      const results = await Promise.all(Array.from({ length: 3 }, () => patient.ky.get("v2/users").json()));
      expect(results).toHaveLength(3);
    } finally {
      world.sandbox.settings.mapiqRateLimit = { limit: 1000, windowMs: 60_000, shape: "sliding-log" };
    }
  });

  it("the caller's AbortSignal stops a wait-and-retry", async () => {
    world.sandbox.settings.mapiqRateLimit = { limit: 1, windowMs: 60_000, shape: "sliding-log" };
    try {
      const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, retryOnRateLimit: { maxWaitMs: 120_000 } });
      await api.ky.get("v2/users").json();
      const controller = new AbortController();
      setTimeout(() => { controller.abort(); }, 200);
      const started = Date.now();
      await expect(api.ky.get("v2/users", { signal: controller.signal }).json()).rejects.toThrow();
      // Hang detection only: without the abort the retry would wait out the ~60 s window.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      world.sandbox.settings.mapiqRateLimit = { limit: 1000, windowMs: 60_000, shape: "sliding-log" };
    }
  }, 50_000);
});

describe("Mapillary v2 API client", () => {
  it("sends Bearer and client_id on every call", async () => {
    const { store } = await loggedInStore(world.mapillaryV2, world.v2Client);
    const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, store });
    const me = await api.ky.get("v2/me").json<Record<string, unknown>>();
    expect(me).toBeTruthy();
    expect(world.sandbox.log.last()?.clientId).toBe(world.v2Client.clientId);
    expect(world.sandbox.log.last()?.credentialLocation).toBe("header");
  });
});

describe("Mapillary v2 throttling", () => {
  it("a v2 429 is a typed RateLimitedError", async () => {
    const { store } = await loggedInStore(world.mapillaryV2, world.v2Client);
    world.sandbox.settings.mapillaryV2RateLimit = { limit: 2, windowMs: 60_000 };
    try {
      const api = createApiClient({ profile: world.mapillaryV2, client: world.v2Client, store });
      await api.ky.get("v2/me").json();
      await api.ky.get("v2/me").json();
      const error = await api.ky.get("v2/me").json().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).status).toBe(429);
    } finally {
      world.sandbox.settings.mapillaryV2RateLimit = { limit: 10_000, windowMs: 60_000 };
    }
  });
});

describe("secrets and permits on failure paths", () => {
  it("a timeout (ky TimeoutError) does not carry the user token anywhere", async () => {
    const { store, tokens } = await loggedInStore(world.mapillary, world.mlyClient);
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store, timeoutMs: 150 });
    world.sandbox.faults.inject({ route: "/mapillary/graph/me", fault: { kind: "latency", ms: 1_000 }, times: 3 });
    const error = await api.ky.get("me", { retry: 0 }).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const printed = inspect(error, { depth: Infinity, showHidden: true }) + JSON.stringify(error) + String(error);
    expect(printed).not.toContain(tokens.accessToken.reveal());
  });

  it("every permit is settled when a request went out, and cancelled when it never did", async () => {
    const log: string[] = [];
    const limiter: RateLimiter = {
      acquire: (key): Promise<RateLimitPermit> => {
        log.push(`acquire ${key}`);
        return Promise.resolve({ settle: () => void log.push("settle"), cancel: () => void log.push("cancel") });
      },
      pause: () => undefined,
    };
    const nobody = createApiClient({ profile: world.mapiq, client: { clientId: world.mapiqClient.clientId, clientSecret: "wrong-secret" }, limiter });
    await expect(nobody.ky.get("v2/buildings").json()).rejects.toBeInstanceOf(Error);
    expect(log).toEqual(["acquire mapiq:endpoint:GET /v2/buildings", "cancel"]);
    log.length = 0;
    const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, limiter });
    await api.ky.get("v2/buildings").json();
    expect(log).toEqual(["acquire mapiq:endpoint:GET /v2/buildings", "settle"]);
  });
});

describe("a request that spends several budgets", () => {
  it("takes a permit per key in order, settles them all, and gives back the ones taken when a later one fails", async () => {
    const log: string[] = [];
    const down = new Error("limiter backend down");
    let failDay = false;
    const limiter: RateLimiter = {
      acquire: (key): Promise<RateLimitPermit> => {
        log.push(`acquire ${key}`);
        if (failDay && key.endsWith(":day")) return Promise.reject(down);
        return Promise.resolve({ settle: (outcome) => void log.push(`settle ${key} ${outcome?.status}`), cancel: () => void log.push(`cancel ${key}`) });
      },
      pause: () => undefined,
    };
    const profile = {
      ...world.mapiq,
      rateLimits: [
        { name: "minute", limit: 20, windowMs: 60_000, per: "app", appliesTo: "api" },
        { name: "day", limit: 1_000, windowMs: 86_400_000, per: "app", appliesTo: "api" },
      ],
    } as const;
    const api = createApiClient({ profile, client: world.mapiqClient, limiter });
    await api.ky.get("v2/buildings").json();
    expect(log).toEqual(["acquire mapiq:minute", "acquire mapiq:day", "settle mapiq:minute 200", "settle mapiq:day 200"]);
    log.length = 0;
    failDay = true;
    await expect(api.ky.get("v2/buildings", { retry: 0 }).json()).rejects.toBe(down);
    expect(log).toEqual(["acquire mapiq:minute", "acquire mapiq:day", "cancel mapiq:minute"]);
  });
});

describe("store keys", () => {
  it("a user with nothing stored is asked to log in", async () => {
    const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store: new MemoryTokenStore(), tokenKey: formatTokenKey({ provider: "mapillary", clientId: "x" }) });
    await expect(api.ky.get("me").json()).rejects.toBeInstanceOf(LoginRequiredError);
  });
});
