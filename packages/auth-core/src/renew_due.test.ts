import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { createManualClock } from "./manual_clock.ts";
import { LoginRequiredError, TransportError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import type { LockOptions, TokenLock } from "./ports.ts";
import { RefreshCoordinator } from "./refresh_coordinator.ts";
import { renewDue } from "./renew_due.ts";
import { Secret } from "./secret.ts";
import { createTokenRenewer } from "./token_renewer.ts";
import { FakeTransport, V4_SECRET, json, tokenSet } from "./_test_util.ts";

const DAY = 86_400_000;
const client = createClient({ clientId: "1234", clientSecret: V4_SECRET });

/** A store that counts lock calls. */
class LockCountingStore extends MemoryTokenStore {
  locks = 0;
  override lock(key: string, options: LockOptions): Promise<TokenLock> {
    this.locks++;
    return super.lock(key, options);
  }
}

/** Three Mapillary v4 tokens at day 60 (60-day lifetime): 55 days old, fresh (1 day old), expired; plus an app token. */
async function world(respond: () => ReturnType<typeof json> = () => json(200, { access_token: "MLYrenewed", expires_in: 5_184_000, token_type: "bearer" })) {
  const clock = createManualClock(60 * DAY);
  const store = new LockCountingStore({ clock });
  await store.set("mapillary:1234:old", tokenSet({ accessToken: new Secret("MLYold"), issuedAt: 5 * DAY, expiresAt: 65 * DAY }));
  await store.set("mapillary:1234:fresh", tokenSet({ accessToken: new Secret("MLYfresh"), issuedAt: 59 * DAY, expiresAt: 119 * DAY }));
  await store.set("mapillary:1234:expired", tokenSet({ accessToken: new Secret("MLYexpired"), issuedAt: 0, expiresAt: 60 * DAY - 1 }));
  await store.set("mapillary:1234:app", tokenSet({ kind: "client_token", accessToken: new Secret("MLY|1234|x"), expiresAt: null }));
  await store.set("mapiq:other:default", tokenSet({ accessToken: new Secret("other"), issuedAt: 0, expiresAt: 60 * DAY + 1000 }));
  const transport = new FakeTransport(respond);
  const coordinator = new RefreshCoordinator({ store, clock, renew: createTokenRenewer({ profile: mapillary, client, transport, clock }) });
  return { clock, store, transport, coordinator };
}

describe("renewDue", () => {
  it("a 55-day-old v4 token is renewed (once, under the lock), a fresh one untouched, an expired one login_required", async () => {
    const { clock, store, transport, coordinator } = await world();
    const report = await renewDue(store, coordinator, { prefix: "mapillary:1234:", clock });
    expect(report.map(({ key, outcome }) => [key, outcome])).toEqual([
      ["mapillary:1234:expired", "login_required"],
      ["mapillary:1234:fresh", "fresh"],
      ["mapillary:1234:old", "renewed"],
    ]);
    expect(report[0]!.error).toBeInstanceOf(LoginRequiredError);
    expect(report[2]!.expiresAt).toBe(60 * DAY + 5_184_000_000);
    // One token request, for the old token, sending the old token (v4 renews with the access token).
    expect(transport.requests).toHaveLength(1);
    expect(JSON.parse(transport.requests[0]!.body!)).toMatchObject({ grant_type: "refresh_token", refresh_token: "MLYold" });
    expect((await store.get("mapillary:1234:old"))?.tokens.accessToken.reveal()).toBe("MLYrenewed");
    expect((await store.get("mapillary:1234:fresh"))?.tokens.accessToken.reveal()).toBe("MLYfresh");
    expect((await store.get("mapiq:other:default"))?.tokens.accessToken.reveal()).toBe("other");
    expect(store.locks).toBe(2); // the old and the expired token, each under the lock

    // A second run the same day: everything renewable is fresh now, nothing is sent.
    const again = await renewDue(store, coordinator, { prefix: "mapillary:1234:", clock });
    expect(again.map((line) => line.outcome)).toEqual(["login_required", "fresh", "fresh"]);
    expect(transport.requests).toHaveLength(1);
  });

  it("a passing failure (network) while the token still works → failed, token kept; the next run renews it", async () => {
    let down = true;
    const { clock, store, transport, coordinator } = await world(() => {
      if (down) throw new TransportError("connection refused");
      return json(200, { access_token: "MLYrenewed", expires_in: 5_184_000, token_type: "bearer" });
    });
    await store.delete("mapillary:1234:expired");
    const first = await renewDue(store, coordinator, { prefix: "mapillary:1234:old", clock });
    expect(first.map((line) => line.outcome)).toEqual(["failed"]);
    expect((await store.get("mapillary:1234:old"))?.tokens.accessToken.reveal()).toBe("MLYold");
    down = false;
    clock.advance(DAY);
    const second = await renewDue(store, coordinator, { prefix: "mapillary:1234:old", clock });
    expect(second.map((line) => line.outcome)).toEqual(["renewed"]);
    expect(transport.requests).toHaveLength(2);
  });
});
