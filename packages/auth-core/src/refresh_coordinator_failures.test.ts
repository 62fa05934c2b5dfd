// What the coordinator does when the token endpoint or the store fails at the worst moment.
import { describe, expect, it } from "vitest";
import { createManualClock } from "./manual_clock.ts";
import { StorageError, TransportError } from "./errors.ts";
import { MemoryTokenStore } from "./memory_store.ts";
import type { CompareAndSetOptions, LockOptions, TokenLock } from "./ports.ts";
import { RefreshCoordinator } from "./refresh_coordinator.ts";
import { Secret } from "./secret.ts";
import type { TokenSet } from "./token_set.ts";
import { tokenSet } from "./_test_util.ts";

const DAY = 86_400_000;
const KEY = "oauth2:app:default";

function due(): { clock: ReturnType<typeof createManualClock>; tokens: TokenSet } {
  return {
    clock: createManualClock(58 * DAY),
    tokens: tokenSet({ accessToken: new Secret("at-1"), refreshToken: new Secret("rt-1"), issuedAt: 0, expiresAt: 60 * DAY }),
  };
}

function renewed(clock: { now(): number }, n: number): TokenSet {
  return tokenSet({ accessToken: new Secret(`at-${n}`), refreshToken: new Secret(`rt-${n}`), issuedAt: clock.now(), expiresAt: clock.now() + 60 * DAY });
}

/** A store whose writes fail while `failing` is set. */
class FlakyStore extends MemoryTokenStore {
  failing = false;
  override set(key: string, tokens: TokenSet, options?: CompareAndSetOptions): Promise<number> {
    if (this.failing) return Promise.reject(new StorageError("disk full"));
    return super.set(key, tokens, options);
  }
}

describe("RefreshCoordinator under failures", () => {
  it("a renewed token the store refuses is kept, handed out, and written on the next call", async () => {
    const { clock, tokens } = due();
    const store = new FlakyStore({ clock });
    await store.set(KEY, tokens);
    const errors: unknown[] = [];
    let n = 1;
    const coordinator = new RefreshCoordinator({ store, clock, renew: () => Promise.resolve(renewed(clock, ++n)), onStoreError: (e) => errors.push(e) });
    store.failing = true;
    const first = await coordinator.getToken(KEY);
    expect(first.refreshToken?.reveal()).toBe("rt-2");
    expect(errors).toHaveLength(1);
    // Still failing: the same new token is handed out, no second refresh (rt-1 may be dead already).
    expect((await coordinator.getToken(KEY)).refreshToken?.reveal()).toBe("rt-2");
    expect(coordinator.refreshCount).toBe(1);
    store.failing = false;
    await coordinator.getToken(KEY);
    expect((await store.get(KEY))?.tokens.refreshToken?.reveal()).toBe("rt-2");
  });

  it("after the API rejected a token, a transient renewal failure is thrown, not the rejected token", async () => {
    const { clock, tokens } = due();
    clock.set(1 * DAY); // fresh, still usable
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({ store, clock, renew: () => Promise.reject(new TransportError("connection reset")) });
    await expect(coordinator.renewRejected(KEY, tokens.accessToken)).rejects.toBeInstanceOf(TransportError);
    // Without a rejection, a transient failure keeps the still-usable token in service.
    clock.set(58 * DAY);
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("at-1");
  });

  it("a lock that fails to release does not turn a successful refresh into an error", async () => {
    const { clock, tokens } = due();
    const errors: unknown[] = [];
    class BadLockStore extends MemoryTokenStore {
      override async lock(key: string, options: LockOptions): Promise<TokenLock> {
        await super.lock(key, options);
        return { release: () => Promise.reject(new StorageError("lock file vanished")) };
      }
    }
    const store = new BadLockStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({ store, clock, renew: () => Promise.resolve(renewed(clock, 2)), onStoreError: (e) => errors.push(e) });
    expect((await coordinator.getToken(KEY)).accessToken.reveal()).toBe("at-2");
    expect(errors).toHaveLength(1);
  });

  it("the renewal gets a signal that ends before the lock would expire", async () => {
    const { clock, tokens } = due();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    let seen: AbortSignal | undefined;
    const coordinator = new RefreshCoordinator({
      store,
      clock,
      lockTtlMs: 11_050,
      renew: (_current, { signal }) => {
        seen = signal;
        return new Promise((_resolve, reject) => signal?.addEventListener("abort", () => { reject(new TransportError("aborted by the lock deadline")); }));
      },
    });
    const pending = coordinator.getToken(KEY);
    // The deadline runs on the coordinator's clock: TTL 11,050 ms less the 10 s kept for the write.
    await clock.tick(1_049);
    expect(seen).toBeDefined();
    expect(seen?.aborted).toBe(false);
    await clock.tick(1);
    expect(seen?.aborted).toBe(true); // ended by the deadline, before the lock would expire
    expect((seen?.reason as DOMException).name).toBe("TimeoutError");
    await expect(pending).resolves.toBeDefined(); // transient failure, old token still usable
  });

  it("on a compare-and-set conflict, the newer of the two tokens stays in the store", async () => {
    const { clock, tokens } = due();
    const store = new MemoryTokenStore({ clock });
    await store.set(KEY, tokens);
    const coordinator = new RefreshCoordinator({
      store,
      clock,
      renew: async () => {
        const mine = renewed(clock, 2);
        // Meanwhile the user logs in again in another process: a newer token lands first.
        clock.advance(1);
        await store.set(KEY, renewed(clock, 9));
        return mine;
      },
    });
    await coordinator.getToken(KEY);
    expect((await store.get(KEY))?.tokens.accessToken.reveal()).toBe("at-9");
  });
});
