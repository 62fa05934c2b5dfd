import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { createManualClock } from "./manual_clock.ts";
import { LoginRequiredError, StorageError, TransportError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapiq } from "./mapiq.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import type { CompareAndSetOptions } from "./ports.ts";
import { RefreshCoordinator } from "./refresh_coordinator.ts";
import { Secret } from "./secret.ts";
import { emitEvent, errorFields, type MlyEvent } from "./telemetry.ts";
import { createTokenRenewer } from "./token_renewer.ts";
import type { TokenSet } from "./token_set.ts";
import { FakeTransport, V4_SECRET, json, rejected, tokenSet } from "./_test_util.ts";

const DAY = 86_400_000;
const KEY = "mapillary:1234:default";
const client = createClient({ clientId: "1234", clientSecret: V4_SECRET });

/** A Mapillary token 2 days from expiry (inside the refresh margin) and a clock at that time. */
function dueToken(): { clock: ReturnType<typeof createManualClock>; tokens: TokenSet } {
  return { clock: createManualClock(58 * DAY), tokens: tokenSet({ accessToken: new Secret("MLYold"), issuedAt: 0, expiresAt: 60 * DAY }) };
}

/** A store whose writes fail. */
class BrokenStore extends MemoryTokenStore {
  failWrites = false;
  override set(key: string, tokens: TokenSet, options?: CompareAndSetOptions): Promise<number> {
    if (this.failWrites) return Promise.reject(new StorageError("disk full"));
    return super.set(key, tokens, options);
  }
}

describe("RefreshCoordinator events", () => {
  it("refresh.start then refresh.success, with the key and the duration on the coordinator's clock", async () => {
    const { clock, tokens } = dueToken();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => {
      clock.advance(250);
      return json(200, { access_token: "MLYnew", expires_in: 5_184_000 });
    });
    const events: MlyEvent[] = [];
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client, transport, clock }), onEvent: (event) => events.push(event) });
    await Promise.all(Array.from({ length: 20 }, () => coordinator.getToken(KEY)));
    expect(events).toEqual([
      { type: "refresh.start", key: KEY },
      { type: "refresh.success", key: KEY, durationMs: 250 },
    ]);
    // A fresh token: no event.
    await coordinator.getToken(KEY);
    expect(events).toHaveLength(2);
  });

  it("refresh.failure carries the stable code, the OAuth error and the status, never the message", async () => {
    const { clock, tokens } = dueToken();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => {
      clock.advance(40);
      return json(400, { error: "invalid_grant", error_description: "refresh token MLYold revoked" });
    });
    const events: MlyEvent[] = [];
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client, transport, clock }), onEvent: (event) => events.push(event) });
    expect(await rejected(coordinator.getToken(KEY))).toBeInstanceOf(LoginRequiredError);
    expect(events).toEqual([
      { type: "refresh.start", key: KEY },
      { type: "refresh.failure", key: KEY, durationMs: 40, code: "oauth_error", error: "invalid_grant", status: 400 },
    ]);
    expect(JSON.stringify(events)).not.toContain("MLYold");
  });

  it("a transport failure is refresh.failure with code transport_error; the still usable token is handed out", async () => {
    const { clock, tokens } = dueToken();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => {
      throw new TransportError("connection reset");
    });
    const events: MlyEvent[] = [];
    const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client, transport, clock }), onEvent: (event) => events.push(event) });
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYold");
    expect(events.map((event) => event.type)).toEqual(["refresh.start", "refresh.failure"]);
    expect(events[1]).toMatchObject({ code: "transport_error", durationMs: 0 });
  });

  it("store.error when the renewed token cannot be written (and onStoreError is still told)", async () => {
    const clock = createManualClock(0);
    const store = new BrokenStore({ clock });
    store.failWrites = true;
    const transport = new FakeTransport(() => json(200, { access_token: "MAPIQ-new", expires_in: 3600 }));
    const events: MlyEvent[] = [];
    const told: string[] = [];
    const coordinator = new RefreshCoordinator({
      store,
      clock,
      renew: createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "mapiq-secret" }), transport, clock }),
      onEvent: (event) => events.push(event),
      onStoreError: (_error, key) => told.push(key),
    });
    expect((await coordinator.getToken("mapiq:id:default")).accessToken.reveal()).toBe("MAPIQ-new");
    expect(events).toEqual([
      { type: "refresh.start", key: "mapiq:id:default" },
      { type: "refresh.success", key: "mapiq:id:default", durationMs: 0 },
      { type: "store.error", key: "mapiq:id:default", code: "storage_error" },
    ]);
    expect(told).toEqual(["mapiq:id:default"]);
  });

  it("a throwing listener breaks nothing: the refresh succeeds and later events still come", async () => {
    const { clock, tokens } = dueToken();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const transport = new FakeTransport(() => json(200, { access_token: "MLYnew", expires_in: 5_184_000 }));
    let calls = 0;
    const coordinator = new RefreshCoordinator({
      store,
      clock,
      renew: createTokenRenewer({ profile: mapillary, client, transport, clock }),
      onEvent: () => {
        calls++;
        throw new Error("listener bug");
      },
    });
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("MLYnew");
    expect(calls).toBe(2);
    expect(transport.requests).toHaveLength(1);
  });
});

describe("emitEvent and errorFields", () => {
  it("emitEvent without a listener does nothing; a throwing listener is swallowed", () => {
    expect(() => {
      emitEvent(undefined, { type: "limiter.wait", key: "k", durationMs: 1 });
    }).not.toThrow();
    expect(() => {
      emitEvent(() => {
        throw new Error("x");
      }, { type: "limiter.wait", key: "k", durationMs: 1 });
    }).not.toThrow();
  });

  it("errorFields keeps only codes: an unregistered OAuth error becomes `other`, an odd code `unknown`", () => {
    expect(errorFields({ code: "oauth_error", error: "MLYsecret-token", status: 400 })).toEqual({ code: "oauth_error", error: "other", status: 400 });
    expect(errorFields({ code: "MLY|1234|secret" })).toEqual({ code: "unknown" });
    expect(errorFields("a string")).toEqual({ code: "unknown" });
    expect(errorFields(null)).toEqual({ code: "unknown" });
  });
});
