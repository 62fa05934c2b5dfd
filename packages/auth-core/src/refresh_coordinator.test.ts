import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { createManualClock } from "./manual_clock.ts";
import { AbortedError, LoginRequiredError, OAuthError, TransportError, VersionConflictError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapiq } from "./mapiq.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import type { LockOptions, StoredToken, TokenLock, TokenStore } from "./ports.ts";
import { RefreshCoordinator } from "./refresh_coordinator.ts";
import { Secret } from "./secret.ts";
import type { TokenSet } from "./token_set.ts";
import { createTokenRenewer } from "./token_renewer.ts";
import { FakeTransport, V4_SECRET, json, rejected, tokenSet } from "./_test_util.ts";

const DAY = 86_400_000;
const KEY = "mapillary:1234:default";
const v4client = createClient({ clientId: "1234", clientSecret: V4_SECRET });

/** A store that counts reads and lock calls. */
class SpyStore extends MemoryTokenStore {
  gets = 0;
  locks = 0;
  override get(key: string): Promise<StoredToken | undefined> {
    this.gets++;
    return super.get(key);
  }
  override lock(key: string, options: LockOptions): Promise<TokenLock> {
    this.locks++;
    return super.lock(key, options);
  }
}

/** A 60-day Mapillary token issued at 0 that is 2 days from expiry at `now` (inside the 6-day margin, still usable). */
function aboutToExpire(): { clock: ReturnType<typeof createManualClock>; tokens: TokenSet } {
  return { clock: createManualClock(58 * DAY), tokens: tokenSet({ accessToken: new Secret("MLYold"), issuedAt: 0, expiresAt: 60 * DAY }) };
}

describe("RefreshCoordinator", () => {
  it("1,000 concurrent callers on a token about to expire → exactly one token request, everyone gets the same result", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYnew", expires_in: 5_184_000, token_type: "bearer" }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const results = await Promise.all(Array.from({ length: 1000 }, () => coordinator.getToken(KEY)));
    expect(transport.requests).toHaveLength(1);
    expect(JSON.parse(transport.requests[0]!.body!)).toMatchObject({ grant_type: "refresh_token", refresh_token: "MLYold" });
    expect(new Set(results).size).toBe(1);
    expect(results[0]!.accessToken.reveal()).toBe("MLYnew");
    expect((await store.get(KEY))?.tokens).toBe(results[0]);
    expect(coordinator.refreshCount).toBe(1);
    expect(store.locks).toBe(1);
    // Fresh now: no further request.
    await Promise.all(Array.from({ length: 100 }, () => coordinator.getToken(KEY)));
    expect(transport.requests).toHaveLength(1);
  });

  it("1,000 concurrent callers and a failing refresh → one request, every waiter gets the same error", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(400, { error: "invalid_grant", error_description: "revoked" }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const settled = await Promise.allSettled(Array.from({ length: 1000 }, () => coordinator.getToken(KEY)));
    expect(transport.requests).toHaveLength(1);
    const reasons = new Set(settled.map((result) => (result.status === "rejected" ? (result.reason as unknown) : "fulfilled")));
    expect(reasons.size).toBe(1);
    const [error] = reasons;
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as LoginRequiredError).cause).toBeInstanceOf(OAuthError);
  });

  it("invalid_grant → re-reads the store once and returns the token another process rotated", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const rotated = tokenSet({ accessToken: new Secret("MLYrotated"), issuedAt: 58 * DAY, expiresAt: 118 * DAY });
    const transport = new FakeTransport(async () => {
      await store.set(KEY, rotated); // another process won the race and rotated the grant
      return json(400, { error: "invalid_grant" });
    });
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const gets = store.gets;
    const result = await coordinator.getToken(KEY);
    expect(result).toBe(rotated);
    expect(transport.requests).toHaveLength(1);
    expect(store.gets - gets).toBe(3); // getToken's read, the read under the lock, and exactly one re-read
  });

  it("invalid_grant with nothing rotated → LoginRequiredError after exactly one re-read", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(400, { error: "invalid_grant" }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const gets = store.gets;
    expect(await rejected(coordinator.getToken(KEY))).toBeInstanceOf(LoginRequiredError);
    expect(store.gets - gets).toBe(3);
  });

  it("Graph 190 on refresh also means log in again; an expired v4 token is never sent", async () => {
    const clock = createManualClock(61 * DAY);
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokenSet({ issuedAt: 0, expiresAt: 60 * DAY }));
    const transport = new FakeTransport(() => json(401, { error: { message: "expired", code: 190 } }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    expect(await rejected(coordinator.getToken(KEY))).toBeInstanceOf(LoginRequiredError);
    expect(transport.requests).toHaveLength(0);
    clock.set(58 * DAY);
    expect(await rejected(coordinator.getToken(KEY))).toBeInstanceOf(LoginRequiredError);
    expect(transport.requests).toHaveLength(1);
  });

  it("renewRejected with 200 concurrent 401s → one refresh; later 401s for the old token get the new one", async () => {
    const clock = createManualClock(0);
    const store = new MemoryTokenStore({ clock });
    const old = tokenSet({ kind: "client_app", accessToken: new Secret("eyJold"), provider: "mapiq", issuedAt: 0, expiresAt: 3_600_000 });
    await store.set(KEY, old);
    const transport = new FakeTransport(() => json(200, { access_token: "eyJnew", token_type: "Bearer", expires_in: 3599 }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport, clock }) });
    expect(await coordinator.getToken(KEY)).toBe(old); // fresh: no request
    const results = await Promise.all(Array.from({ length: 200 }, () => coordinator.renewRejected(KEY, old.accessToken)));
    expect(transport.requests).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]!.accessToken.reveal()).toBe("eyJnew");
    expect(await coordinator.renewRejected(KEY, new Secret("eyJold"))).toBe(results[0]);
    expect(transport.requests).toHaveLength(1);
  });

  it("uses the store's lock across coordinators (two processes, one store) → one refresh", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYnew", expires_in: 5_184_000 }));
    const make = (): RefreshCoordinator => new RefreshCoordinator({ store, clock, lockTtlMs: 5000, lockWaitMs: 5000, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const [a, b] = [make(), make()];
    const results = await Promise.all([...Array.from({ length: 50 }, () => a.getToken(KEY)), ...Array.from({ length: 50 }, () => b.getToken(KEY))]);
    expect(transport.requests).toHaveLength(1);
    expect(new Set(results.map((t) => t.accessToken.reveal()))).toEqual(new Set(["MLYnew"]));
    expect(store.locks).toBe(2);
  });

  it("works with a store without a lock; a concurrent unconditional write does not lose the fresh token", async () => {
    const inner = new MemoryTokenStore();
    let conflicts = 0;
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: async (key, tokens, options) => {
        if (options?.expectedVersion !== undefined && conflicts++ === 0) {
          await inner.set(key, tokenSet({ accessToken: new Secret("other-writer") }));
          throw new VersionConflictError(key, options.expectedVersion, 99);
        }
        return inner.set(key, tokens, options);
      },
      delete: (key, options) => inner.delete(key, options),
      list: (prefix) => inner.list(prefix),
    };
    const transport = new FakeTransport(() => json(200, { access_token: "eyJ", expires_in: 3600 }));
    const coordinator = new RefreshCoordinator({ store, renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport }) });
    const tokens = await coordinator.getToken("mapiq:id:default");
    expect(tokens.accessToken.reveal()).toBe("eyJ");
    expect((await inner.get("mapiq:id:default"))?.tokens).toBe(tokens);
  });

  it("a transient failure while the token still works returns the current token; otherwise the error", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const failing = { send: () => Promise.reject(new TransportError("connection reset")) };
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport: failing, clock }) });
    expect(await coordinator.getToken(KEY)).toBe(tokens);
    const server = new FakeTransport(() => json(503, {}));
    const c2 = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport: server, clock }) });
    expect(await c2.getToken(KEY)).toBe(tokens);
    await store.set("mapiq:id:default", tokenSet({ kind: "client_app", issuedAt: 0, expiresAt: 1000 }));
    const c3 = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport: failing, clock }) });
    expect(await rejected(c3.getToken("mapiq:id:default"))).toBeInstanceOf(TransportError);
  });

  it("an aborted waiter gets AbortedError while the shared refresh completes for the others", async () => {
    const { clock, tokens } = aboutToExpire();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYnew", expires_in: 5_184_000 }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    const controller = new AbortController();
    const aborted = coordinator.getToken(KEY, { signal: controller.signal });
    const other = coordinator.getToken(KEY, { signal: new AbortController().signal });
    const plain = coordinator.getToken(KEY);
    controller.abort();
    expect(await rejected(aborted)).toBeInstanceOf(AbortedError);
    expect((await other).accessToken.reveal()).toBe("MLYnew");
    expect((await plain).accessToken.reveal()).toBe("MLYnew");
    expect(await rejected(coordinator.getToken(KEY, { signal: controller.signal }))).toBeInstanceOf(AbortedError);
    const failing = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: () => Promise.reject(new Error("boom")) });
    expect(await rejected(failing.getToken("k", { signal: new AbortController().signal }))).toBeInstanceOf(Error);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a renewer that rejects with a non-Error is what is tested
    const weird = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: (): Promise<TokenSet> => Promise.reject("a string") });
    expect(await rejected(weird.getToken("k", { signal: new AbortController().signal }))).toBeInstanceOf(Error);
    expect(await rejected(coordinator.renewRejected(KEY, new Secret("x"), { signal: controller.signal }))).toBeInstanceOf(AbortedError);
  });

  it("nothing stored: client credentials for Mapiq, LoginRequiredError for Mapillary", async () => {
    const transport = new FakeTransport(() => json(200, { access_token: "eyJ", expires_in: 3600 }));
    const mq = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport }) });
    expect((await mq.getToken("mapiq:id:default")).kind).toBe("client_app");
    const v4 = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: createTokenRenewer({ profile: mapillary, client: v4client, transport }) });
    expect(await rejected(v4.getToken(KEY))).toBeInstanceOf(LoginRequiredError);
  });
});

describe("RefreshCoordinator.refresh (renew now, due or not)", () => {
  /** A 60-day Mapillary token 1 day old: fresh, nowhere near its refresh margin. */
  function fresh(): { clock: ReturnType<typeof createManualClock>; tokens: TokenSet } {
    return { clock: createManualClock(DAY), tokens: tokenSet({ accessToken: new Secret("MLYfresh"), issuedAt: 0, expiresAt: 60 * DAY }) };
  }

  it("renews a fresh token once for 50 concurrent callers, with the current token as the grant, and saves it", async () => {
    const { clock, tokens } = fresh();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYrenewed", expires_in: 5_184_000, token_type: "bearer" }));
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYfresh"); // getToken leaves a fresh token alone
    expect(transport.requests).toHaveLength(0);
    const results = await Promise.all(Array.from({ length: 50 }, () => coordinator.refresh(KEY)));
    expect(transport.requests).toHaveLength(1);
    expect(JSON.parse(transport.requests[0]!.body!)).toMatchObject({ grant_type: "refresh_token", refresh_token: "MLYfresh" });
    expect(new Set(results).size).toBe(1);
    expect(results[0]!.accessToken.reveal()).toBe("MLYrenewed");
    expect((await store.get(KEY))?.tokens.accessToken.reveal()).toBe("MLYrenewed");
    expect(store.locks).toBe(1);
  });

  it("a renewal another process saved between the read and the lock is the answer: the grant is not used twice", async () => {
    const { clock, tokens } = fresh();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYmine", expires_in: 5_184_000, token_type: "bearer" }));
    const renewedElsewhere = tokenSet({ accessToken: new Secret("MLYtheirs"), issuedAt: DAY, expiresAt: 61 * DAY });
    const racing: TokenStore = {
      get: (key) => store.get(key),
      set: (key, value, options) => store.set(key, value, options),
      delete: (key) => store.delete(key),
      list: (prefix) => store.list(prefix),
      // The other process takes the lock first and saves its renewal; ours gets the lock after.
      lock: async (key, options) => {
        const current = await store.get(key);
        await store.set(key, renewedElsewhere, { expectedVersion: current?.version ?? null });
        return store.lock(key, options);
      },
    };
    const coordinator = new RefreshCoordinator({ store: racing, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    expect((await coordinator.refresh(KEY)).accessToken.reveal()).toBe("MLYtheirs");
    expect(transport.requests).toHaveLength(0);
  });

  it("a transient failure is thrown (the old token is not handed back as if renewed); the stored token is untouched", async () => {
    const { clock, tokens } = fresh();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => { throw new TransportError("connection reset"); });
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client: v4client, transport, clock }) });
    expect(await rejected(coordinator.refresh(KEY))).toBeInstanceOf(TransportError);
    expect((await store.get(KEY))?.tokens.accessToken.reveal()).toBe("MLYfresh");
  });

  it("nothing stored → LoginRequiredError, no request", async () => {
    const transport = new FakeTransport(() => json(200, {}));
    const coordinator = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: createTokenRenewer({ profile: mapillary, client: v4client, transport }) });
    expect(await rejected(coordinator.refresh(KEY))).toBeInstanceOf(LoginRequiredError);
    expect(transport.requests).toHaveLength(0);
  });
});

describe("RefreshCoordinator keeps a fresh token in process", () => {
  /** A 60-day Mapillary token 1 day old at the clock's start. */
  function warm(): { clock: ReturnType<typeof createManualClock>; tokens: TokenSet } {
    return { clock: createManualClock(DAY), tokens: tokenSet({ accessToken: new Secret("MLYmine"), issuedAt: 0, expiresAt: 60 * DAY }) };
  }
  const noRenewal = (): Promise<TokenSet> => Promise.reject(new Error("no renewal expected"));

  it("1,000 concurrent warm getToken calls cost one store read; 1,000 more cost none", async () => {
    const { clock, tokens } = warm();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({ store, clock, renew: noRenewal });
    const first = await Promise.all(Array.from({ length: 1000 }, () => coordinator.getToken(KEY)));
    expect(store.gets).toBe(1);
    expect(new Set(first.map((t) => t.accessToken.reveal()))).toEqual(new Set(["MLYmine"]));
    await Promise.all(Array.from({ length: 1000 }, () => coordinator.getToken(KEY)));
    expect(store.gets).toBe(1);
  });

  it("a token another process renewed is picked up once the cached one enters its refresh margin", async () => {
    const { clock, tokens } = warm();
    const store = new SpyStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({ store, clock, renew: noRenewal });
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYmine");
    const current = await store.get(KEY);
    await store.set(KEY, tokenSet({ accessToken: new Secret("MLYtheirs"), issuedAt: DAY, expiresAt: 70 * DAY }), { expectedVersion: current?.version ?? null });
    const reads = store.gets;
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYmine"); // still fresh: kept
    expect(store.gets).toBe(reads);
    clock.set(55 * DAY); // MLYmine is inside its 6-day margin now
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYtheirs");
    expect(store.gets).toBe(reads + 1);
    expect(coordinator.refreshCount).toBe(0);
  });

  it("a token another process renewed is picked up when the cached one draws a 401", async () => {
    const { clock, tokens } = warm();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({ store, clock, renew: noRenewal });
    const mine = await coordinator.getToken(KEY);
    const current = await store.get(KEY);
    await store.set(KEY, tokenSet({ accessToken: new Secret("MLYtheirs"), issuedAt: DAY, expiresAt: 70 * DAY }), { expectedVersion: current?.version ?? null });
    expect((await coordinator.renewRejected(KEY, mine.accessToken)).accessToken.reveal()).toBe("MLYtheirs");
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYtheirs");
    expect(coordinator.refreshCount).toBe(0);
  });

  it("cacheSize bounds the keys kept (least recently used out); 0 reads the store every time; forget drops a key", async () => {
    const { clock, tokens } = warm();
    const store = new SpyStore({ clock });
    const keys = ["mapillary:1234:a", "mapillary:1234:b", "mapillary:1234:c"];
    for (const key of keys) await store.set(key, tokens);
    const two = new RefreshCoordinator({ store, clock, renew: noRenewal, cacheSize: 2 });
    for (const key of keys) await two.getToken(key); // a is evicted by c
    store.gets = 0;
    await two.getToken(keys[1]!);
    await two.getToken(keys[2]!);
    expect(store.gets).toBe(0);
    await two.getToken(keys[0]!);
    expect(store.gets).toBe(1);
    two.forget(keys[0]!);
    await two.getToken(keys[0]!);
    expect(store.gets).toBe(2);

    const none = new RefreshCoordinator({ store, clock, renew: noRenewal, cacheSize: 0 });
    store.gets = 0;
    for (let i = 0; i < 3; i += 1) await none.getToken(keys[0]!);
    expect(store.gets).toBe(3);
  });
});
