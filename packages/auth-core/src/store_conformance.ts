/**
 * The {@link TokenStore} contract as plain async checks, with no test framework: Node tests
 * register them through `describeTokenStoreConformance`, browser tests run the same list inside
 * a page. A check throws when the store breaks the contract.
 *
 * @module
 */
import { delay } from "./delay.ts";
import { AbortedError, LockTimeoutError, VersionConflictError } from "./errors.ts";
import type { TokenLock, TokenStore } from "./ports.ts";
import { Secret } from "./secret.ts";
import { serializeTokenSet } from "./serialize.ts";
import { formatTokenKey } from "./token_key.ts";
import type { TokenSet } from "./token_set.ts";

/** One store under test. */
export interface ConformanceSubject {
  /** A fresh, empty store. */
  store: TokenStore;
  /**
   * A second handle on the SAME backend, as another process or tab would open it (same file
   * directory, same Redis, same origin). Lock and visibility checks run across the two.
   * Default: `store` itself.
   */
  peer?: TokenStore;
  /** Frees what the subject holds (temp directories, connections). */
  close?: () => void | Promise<void>;
}

/** Makes a fresh {@link ConformanceSubject} for each check. */
export type ConformanceFactory = () => ConformanceSubject | Promise<ConformanceSubject>;

/** One check of the contract. */
export interface ConformanceCheck {
  /** What the check proves. */
  readonly name: string;
  /** Whether it needs `TokenStore.lock`. */
  readonly needsLock: boolean;
  /** Runs the check; throws on a contract violation. */
  run(subject: ConformanceSubject): Promise<void>;
}

/**
 * A sample {@link TokenSet} whose access and refresh tokens carry `tag`.
 *
 * @example
 * ```ts
 * import { sampleTokenSet } from "@mly/auth-core/testing";
 *
 * const tokens = sampleTokenSet("a", { expiresAt: Date.now() + 60_000 }); // expires in a minute
 * ```
 */
export function sampleTokenSet(tag: string, overrides: Partial<TokenSet> = {}): TokenSet {
  return Object.freeze({
    kind: "user",
    accessToken: new Secret(`at-${tag}`),
    tokenType: "bearer",
    refreshToken: new Secret(`rt-${tag}`),
    scopes: ["read", "upload"],
    issuedAt: 1_700_000_000_000,
    expiresAt: 4_000_000_000_000,
    notBefore: undefined,
    provider: "mapillary",
    issuer: undefined,
    subject: `user-${tag}`,
    ...overrides,
  } satisfies TokenSet);
}

function fail(message: string): never {
  throw new Error(`conformance: ${message}`);
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function sameTokens(actual: TokenSet | undefined, expected: TokenSet, what: string): void {
  if (actual === undefined) fail(`${what}: expected a token, got none`);
  equal(serializeTokenSet(actual), serializeTokenSet(expected), what);
}

async function expectRejection(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error, what: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    fail(`${what}: expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  return fail(`${what}: expected ${type.name}, but it resolved`);
}

function lockOf(store: TokenStore): NonNullable<TokenStore["lock"]> {
  if (store.lock === undefined) fail("the store has no lock()");
  return (key, options) => {
    if (store.lock === undefined) fail("the store has no lock()");
    return store.lock(key, options);
  };
}

let counter = 0;
function uniqueKey(profile = "p"): string {
  counter++;
  return formatTokenKey({ provider: "mapillary", clientId: "1234", profile: `${profile}-${counter}-${Math.random().toString(36).slice(2, 8)}` });
}

const CHECKS: ConformanceCheck[] = [
  {
    name: "get of a missing key is undefined",
    needsLock: false,
    async run({ store }) {
      equal(await store.get(uniqueKey()), undefined, "get");
    },
  },
  {
    name: "set then get round-trips every field with a positive integer version",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const tokens = sampleTokenSet("round", { notBefore: 1_700_000_000_500, issuer: "https://issuer.example", scopes: ["read"] });
      const version = await store.set(key, tokens);
      if (!Number.isSafeInteger(version) || version < 1) fail(`version must be a positive integer, got ${version}`);
      const stored = await store.get(key);
      sameTokens(stored?.tokens, tokens, "stored tokens");
      equal(stored?.version, version, "stored version");
      equal(stored?.tokens.refreshToken?.reveal(), "rt-round", "refresh token");
    },
  },
  {
    name: "the fields a server adds round-trip: Mapiq's resource, the granted scope, not-before",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const tokens = sampleTokenSet("mapiq", {
        kind: "client_app",
        refreshToken: undefined,
        provider: "mapiq",
        subject: undefined,
        scopes: ["https://api.mapiq.com/public/.default"],
        notBefore: 1_700_000_000_000,
        resource: "https://api.mapiq.com",
      });
      await store.set(key, tokens);
      const stored = (await store.get(key))?.tokens;
      sameTokens(stored, tokens, "stored tokens");
      equal(stored?.resource, "https://api.mapiq.com", "resource");
      equal(stored?.scopes.join(" "), "https://api.mapiq.com/public/.default", "granted scope");
    },
  },
  {
    name: "never-expiring tokens and tokens without refresh token round-trip",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const tokens = sampleTokenSet("forever", { expiresAt: null, refreshToken: undefined, kind: "client_token", subject: undefined });
      await store.set(key, tokens);
      sameTokens((await store.get(key))?.tokens, tokens, "stored tokens");
    },
  },
  {
    name: "every write increases the version",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      let last = 0;
      for (let i = 0; i < 5; i++) {
        const version = await store.set(key, sampleTokenSet(`v${i}`));
        if (version <= last) fail(`version did not increase: ${last} then ${version}`);
        last = version;
      }
      sameTokens((await store.get(key))?.tokens, sampleTokenSet("v4"), "last write wins");
    },
  },
  {
    name: "expectedVersion null creates only when nothing is stored",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const version = await store.set(key, sampleTokenSet("first"), { expectedVersion: null });
      await expectRejection(store.set(key, sampleTokenSet("second"), { expectedVersion: null }), VersionConflictError, "second create");
      const stored = await store.get(key);
      sameTokens(stored?.tokens, sampleTokenSet("first"), "the first write stays");
      equal(stored?.version, version, "version unchanged");
    },
  },
  {
    name: "a version is never reused after a delete, so a stale compare-and-set fails (no ABA)",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const read = await store.set(key, sampleTokenSet("a"));
      await store.delete(key);
      await store.set(key, sampleTokenSet("b"));
      await expectRejection(store.set(key, sampleTokenSet("c"), { expectedVersion: read }), VersionConflictError, "stale set after delete and re-create");
    },
  },
  {
    name: "a stale expectedVersion throws VersionConflictError and leaves the entry alone",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      const v1 = await store.set(key, sampleTokenSet("a"));
      const v2 = await store.set(key, sampleTokenSet("b"), { expectedVersion: v1 });
      await expectRejection(store.set(key, sampleTokenSet("c"), { expectedVersion: v1 }), VersionConflictError, "stale set");
      await expectRejection(store.set(uniqueKey(), sampleTokenSet("c"), { expectedVersion: 1 }), VersionConflictError, "set on a missing entry with a version");
      const stored = await store.get(key);
      sameTokens(stored?.tokens, sampleTokenSet("b"), "entry after the conflict");
      equal(stored?.version, v2, "version after the conflict");
    },
  },
  {
    name: "VersionConflictError has code version_conflict and no token in its message",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      await store.set(key, sampleTokenSet("secretish"));
      const error = await expectRejection(store.set(key, sampleTokenSet("x"), { expectedVersion: 999 }), VersionConflictError, "conflict");
      equal((error as { code?: unknown }).code, "version_conflict", "code");
      if (error.message.includes("at-secretish") || error.message.includes("rt-secretish")) fail("the error message leaks a token");
    },
  },
  {
    name: "concurrent compare-and-set: exactly one of 8 writers with the same version wins",
    needsLock: false,
    async run({ store, peer }) {
      const key = uniqueKey();
      const version = await store.set(key, sampleTokenSet("base"));
      const stores = [store, peer ?? store];
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => (stores[i % 2] ?? store).set(key, sampleTokenSet(`w${i}`), { expectedVersion: version })),
      );
      const won = results.filter((result) => result.status === "fulfilled");
      equal(won.length, 1, "winners");
      for (const result of results) {
        if (result.status === "rejected" && !(result.reason instanceof VersionConflictError)) fail(`a loser threw ${String(result.reason)}`);
      }
      const winner = results.findIndex((result) => result.status === "fulfilled");
      sameTokens((await store.get(key))?.tokens, sampleTokenSet(`w${winner}`), "the winner's token is stored");
    },
  },
  {
    name: "delete: false when missing, true when deleted, conflicts on a stale version",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      equal(await store.delete(key), false, "delete missing");
      const v1 = await store.set(key, sampleTokenSet("d"));
      await store.set(key, sampleTokenSet("d2"));
      await expectRejection(store.delete(key, { expectedVersion: v1 }), VersionConflictError, "stale delete");
      sameTokens((await store.get(key))?.tokens, sampleTokenSet("d2"), "entry survives a stale delete");
      await expectRejection(store.delete(key, { expectedVersion: null }), VersionConflictError, "delete expecting nothing");
      const current = (await store.get(key))?.version ?? 0;
      equal(await store.delete(key, { expectedVersion: current }), true, "delete with the current version");
      equal(await store.get(key), undefined, "gone");
      equal(await store.delete(key), false, "delete again");
      equal(await store.delete(key, { expectedVersion: null }), false, "delete of nothing expecting nothing");
    },
  },
  {
    name: "a deleted key can be created again",
    needsLock: false,
    async run({ store }) {
      const key = uniqueKey();
      await store.set(key, sampleTokenSet("old"));
      await store.delete(key);
      await store.set(key, sampleTokenSet("new"), { expectedVersion: null });
      sameTokens((await store.get(key))?.tokens, sampleTokenSet("new"), "re-created");
    },
  },
  {
    name: "list returns the stored keys with a prefix, sorted, and forgets deleted ones",
    needsLock: false,
    async run({ store }) {
      const tag = `list${counter++}x${Math.random().toString(36).slice(2, 6)}`;
      const keys = [
        formatTokenKey({ provider: tag, clientId: "2", profile: "zed" }),
        formatTokenKey({ provider: tag, clientId: "1", profile: "alice" }),
        formatTokenKey({ provider: tag, clientId: "1", profile: "Alice" }),
        formatTokenKey({ provider: tag, clientId: "1", profile: "bob", scopes: ["write", "read"] }),
      ];
      const other = formatTokenKey({ provider: `${tag}other`, clientId: "1" });
      for (const key of [...keys, other]) await store.set(key, sampleTokenSet(key));
      equal(JSON.stringify(await store.list(`${tag}:`)), JSON.stringify([...keys].sort()), "list by provider");
      equal(JSON.stringify(await store.list(`${tag}:1:`)), JSON.stringify(keys.filter((k) => k.startsWith(`${tag}:1:`)).sort()), "list by client");
      const all = await store.list();
      for (const key of [...keys, other]) if (!all.includes(key)) fail(`list() misses ${key}`);
      await store.delete(keys[0] ?? "");
      equal(JSON.stringify(await store.list(`${tag}:`)), JSON.stringify(keys.slice(1).sort()), "list after delete");
      equal(JSON.stringify(await store.list(`${tag}-nothing:`)), "[]", "list of an unknown prefix");
    },
  },
  {
    name: "keys with unusual characters stay distinct and round-trip",
    needsLock: false,
    async run({ store }) {
      const tag = `odd${counter++}x${Math.random().toString(36).slice(2, 6)}`;
      const profiles = ["a/b", "a%2Fb", "..", "Ünïcødé ✓", "{tag}", "x*?[]", "A", "a", "sp ace"];
      const keys = profiles.map((profile) => formatTokenKey({ provider: tag, clientId: "1", profile }));
      keys.push(`${tag}:raw:{brace}:%:*`);
      for (const [i, key] of keys.entries()) await store.set(key, sampleTokenSet(`odd${i}`));
      for (const [i, key] of keys.entries()) sameTokens((await store.get(key))?.tokens, sampleTokenSet(`odd${i}`), `entry ${key}`);
      equal(JSON.stringify(await store.list(`${tag}:`)), JSON.stringify([...keys].sort()), "list");
    },
  },
  {
    name: "a write through one handle is seen through the other",
    needsLock: false,
    async run({ store, peer }) {
      const other = peer ?? store;
      const key = uniqueKey();
      const version = await store.set(key, sampleTokenSet("shared"));
      const seen = await other.get(key);
      sameTokens(seen?.tokens, sampleTokenSet("shared"), "peer read");
      equal(seen?.version, version, "peer version");
      await other.set(key, sampleTokenSet("back"), { expectedVersion: version });
      sameTokens((await store.get(key))?.tokens, sampleTokenSet("back"), "read back");
    },
  },
  {
    name: "lock is exclusive: a second taker times out with LockTimeoutError",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      const held = await lockOf(store)(key, { ttlMs: 10_000 });
      const started = Date.now();
      const error = await expectRejection(lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 200 }), LockTimeoutError, "second lock");
      const waited = Date.now() - started;
      if (waited < 150) fail(`gave up after ${waited} ms, before waitMs`);
      if (waited > 3_000) fail(`waited ${waited} ms for a 200 ms waitMs`);
      equal((error as { code?: unknown }).code, "lock_timeout", "code");
      await held.release();
      const again = await lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 2_000 });
      await again.release();
    },
  },
  {
    name: "a waiter gets the lock as soon as the holder releases it",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      const held = await lockOf(store)(key, { ttlMs: 10_000 });
      const order: string[] = [];
      const waiting = lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 5_000 }).then((lock) => {
        order.push("acquired");
        return lock;
      });
      await delay(150);
      order.push("released");
      await held.release();
      const lock = await waiting;
      equal(order.join(","), "released,acquired", "order");
      await lock.release();
    },
  },
  {
    name: "locks on different keys are independent",
    needsLock: true,
    async run({ store, peer }) {
      const a = await lockOf(store)(uniqueKey(), { ttlMs: 10_000 });
      const b = await lockOf(peer ?? store)(uniqueKey(), { ttlMs: 10_000, waitMs: 500 });
      await a.release();
      await b.release();
    },
  },
  {
    name: "a lock expires after its TTL when its holder never releases it",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      await lockOf(store)(key, { ttlMs: 300 });
      const started = Date.now();
      const lock = await lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 5_000 });
      const waited = Date.now() - started;
      if (waited > 4_000) fail(`the expired lock was taken only after ${waited} ms`);
      await lock.release();
    },
  },
  {
    name: "release only by the owner: an expired holder's release leaves the new holder's lock alone",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      const stale = await lockOf(store)(key, { ttlMs: 200 });
      const current = await lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 5_000 });
      await stale.release();
      await expectRejection(lockOf(store)(key, { ttlMs: 10_000, waitMs: 200 }), LockTimeoutError, "lock after the stale release");
      await current.release();
      const next = await lockOf(store)(key, { ttlMs: 10_000, waitMs: 2_000 });
      await next.release();
    },
  },
  {
    name: "release is idempotent",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      const lock = await lockOf(store)(key, { ttlMs: 10_000 });
      await lock.release();
      const other = await lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 1_000 });
      await lock.release();
      await expectRejection(lockOf(store)(key, { ttlMs: 10_000, waitMs: 150 }), LockTimeoutError, "lock after a double release");
      await other.release();
    },
  },
  {
    name: "abort: a waiting lock call rejects with AbortedError, an aborted signal fails at once",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      const held = await lockOf(store)(key, { ttlMs: 10_000 });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => {
        controller.abort();
      }, 100);
      await expectRejection(lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 10_000, signal: controller.signal }), AbortedError, "aborted wait");
      const waited = Date.now() - started;
      if (waited > 2_000) fail(`the abort took ${waited} ms to take effect`);
      await expectRejection(lockOf(peer ?? store)(uniqueKey(), { ttlMs: 10_000, signal: AbortSignal.abort() }), AbortedError, "pre-aborted");
      await held.release();
      const lock = await lockOf(peer ?? store)(key, { ttlMs: 10_000, waitMs: 2_000 });
      await lock.release();
    },
  },
  {
    name: "mutual exclusion under contention: 12 workers never overlap",
    needsLock: true,
    async run({ store, peer }) {
      const key = uniqueKey();
      let inside = 0;
      let maxInside = 0;
      let done = 0;
      await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const lock: TokenLock = await lockOf(i % 2 === 0 ? store : (peer ?? store))(key, { ttlMs: 10_000, waitMs: 20_000 });
          inside++;
          maxInside = Math.max(maxInside, inside);
          await delay(5);
          inside--;
          done++;
          await lock.release();
        }),
      );
      equal(maxInside, 1, "holders at once");
      equal(done, 12, "workers done");
    },
  },
];

/** The checks every {@link TokenStore} backend must pass, in order. */
export const tokenStoreConformanceChecks: readonly ConformanceCheck[] = Object.freeze(CHECKS);

/**
 * Runs one check on a fresh subject from `factory` and closes it afterwards.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 * import { runConformanceCheck, tokenStoreConformanceChecks } from "@mly/auth-core/testing";
 *
 * for (const check of tokenStoreConformanceChecks) await runConformanceCheck(check, () => ({ store: new MemoryTokenStore() }));
 * ```
 */
export async function runConformanceCheck(check: ConformanceCheck, factory: ConformanceFactory): Promise<void> {
  const subject = await factory();
  try {
    await check.run(subject);
  } finally {
    await subject.close?.();
  }
}
