// The portable suite: plain ESM that runs unchanged on Node, Deno, Bun and in a browser. It
// imports the BUILT packages (their `default` export condition → dist) and talks to a sandbox
// started by the Node parent (run.mjs), whose URLs and demo credentials arrive as `config`.
import { Secret, StateMismatchError, InvalidCallbackError, buildAuthorizationUrl, buildCodeExchange, buildRefresh, createClient, isUsable, mapillaryProfile, mapiqProfile, needsRefresh, parseTokenSet, pkceChallenge, processTokenResponse, readResponse, serializeTokenSet, validateCallback } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { createApiClient, finishLogin, refreshTokens, startLogin } from "@mly/fetch";
import { iterateImages } from "@mly/fetch/mapillary";
import { createRateLimiter } from "@mly/ratelimit";

/**
 * @typedef {{ name: string, pkg: string, fn: (world: World) => Promise<void> | void }} Check
 * @typedef {{ endpoints: any, credentials: any, callbackBase: string }} Config
 * @typedef {{ config: Config, mapillary: any, mapiq: any, mlyClient: any, mapiqClient: any, redirectUri: string }} World
 */

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/**
 * Follows the authorization URL like a browser whose user approves (the sandbox auto-approves),
 * to the loopback callback page served by the parent, and returns the final callback URL.
 */
async function approve(url) {
  const response = await fetch(url, { redirect: "follow" });
  await response.arrayBuffer();
  assert(response.ok, `callback page answered ${response.status}`);
  return response.url;
}

/** Sends a core request description with fetch (no adapter): the sans-I/O round trip. */
async function send(request) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
  return readResponse(response);
}

/** @type {Check[]} */
export const checks = [
  // ---- @mly/auth-core: pure unit checks
  {
    name: "PKCE S256 challenge matches RFC 7636 appendix B",
    pkg: "auth-core",
    async fn() {
      const challenge = await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
      assert(challenge === "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", `challenge ${challenge}`);
    },
  },
  {
    name: "token set serializes, parses back, and its expiry logic holds",
    pkg: "auth-core",
    fn() {
      const now = Date.now();
      const tokens = {
        kind: "user",
        accessToken: new Secret("MLYARA-access"),
        tokenType: "bearer",
        refreshToken: new Secret("MLYARA-refresh"),
        scopes: ["read"],
        issuedAt: now,
        expiresAt: now + 3_600_000,
        notBefore: undefined,
        provider: "mapillary",
        issuer: undefined,
        subject: undefined,
      };
      const text = serializeTokenSet(tokens);
      const back = parseTokenSet(text);
      assert(back.accessToken.reveal() === "MLYARA-access", "access token round trip");
      assert(back.expiresAt === tokens.expiresAt, "expiry round trip");
      assert(isUsable(back, now), "fresh token usable");
      assert(!isUsable(back, now + 7_200_000), "expired token unusable");
      assert(needsRefresh(back, now + 3_599_000), "near expiry needs refresh");
      assert(!JSON.stringify(back).includes("MLYARA-access"), "JSON.stringify hides the token");
    },
  },
  {
    name: "token set parser rejects garbage with a typed error",
    pkg: "auth-core",
    fn() {
      for (const bad of ["", "{", "null", '{"v":1}', '{"v":999,"accessToken":"x"}']) {
        let threw = false;
        try {
          parseTokenSet(bad);
        } catch (error) {
          threw = true;
          assert(typeof error?.code === "string", `typed error for ${JSON.stringify(bad)}`);
        }
        assert(threw, `parseTokenSet(${JSON.stringify(bad)}) must throw`);
      }
    },
  },
  {
    name: "callback validation: state mismatch and missing code are refused",
    pkg: "auth-core",
    async fn(world) {
      const a = await buildAuthorizationUrl(world.mapillary, world.mlyClient, { redirectUri: world.redirectUri });
      const wrongState = new URL(world.redirectUri);
      wrongState.searchParams.set("code", "c0de");
      wrongState.searchParams.set("state", "not-the-state");
      let error;
      try {
        validateCallback(world.mapillary, a.pending, wrongState);
      } catch (e) {
        error = e;
      }
      assert(error instanceof StateMismatchError, `state mismatch → StateMismatchError, got ${String(error)}`);
      const b = await buildAuthorizationUrl(world.mapillary, world.mlyClient, { redirectUri: world.redirectUri });
      const noCode = new URL(world.redirectUri);
      noCode.searchParams.set("state", b.pending.state);
      error = undefined;
      try {
        validateCallback(world.mapillary, b.pending, noCode);
      } catch (e) {
        error = e;
      }
      assert(error instanceof InvalidCallbackError, `no code → InvalidCallbackError, got ${String(error)}`);
    },
  },
  // ---- @mly/auth-core against the sandbox, with plain fetch
  {
    name: "Mapillary v4 code flow + refresh with core request descriptions and fetch",
    pkg: "auth-core",
    async fn(world) {
      const { url, pending } = await buildAuthorizationUrl(world.mapillary, world.mlyClient, { redirectUri: world.redirectUri, scopes: ["read"] });
      const callback = validateCallback(world.mapillary, pending, await approve(url));
      const exchange = buildCodeExchange(world.mapillary, world.mlyClient, callback);
      const tokens = processTokenResponse(exchange, await send(exchange.request), Date.now());
      assert(tokens.kind === "user" && isUsable(tokens, Date.now()), "usable user token");
      const refresh = buildRefresh(world.mapillary, world.mlyClient, tokens);
      const fresh = processTokenResponse(refresh, await send(refresh.request), Date.now());
      assert(!fresh.accessToken.equals(tokens.accessToken), "refresh returned a new token");
      const me = await fetch(`${world.config.endpoints.mapillary.apiBaseUrl}/me?fields=id,username`, {
        headers: { authorization: `OAuth ${fresh.accessToken.reveal()}` },
      });
      assert(me.status === 200, `/me answered ${me.status}`);
      const body = await me.json();
      assert(typeof body.id === "string", "/me has an id");
    },
  },
  // ---- @mly/fetch against the sandbox
  {
    name: "@mly/fetch: login, refresh, then paged images through createApiClient",
    pkg: "fetch",
    async fn(world) {
      const context = { profile: world.mapillary, client: world.mlyClient };
      const { url, pending } = await startLogin(context, { redirectUri: world.redirectUri });
      const tokens = await finishLogin(context, pending, await approve(url));
      const refreshed = await refreshTokens(context, tokens);
      const store = new MemoryTokenStore();
      const api = createApiClient({ profile: world.mapillary, client: world.mlyClient, store });
      await store.set(api.tokenKey, refreshed);
      const ids = new Set();
      for await (const image of iterateImages(api.ky, { bbox: [-89.5, 43.0, -89.3, 43.2], fields: ["id", "captured_at"], pageSize: 50, limit: 120 })) {
        ids.add(image.id);
      }
      assert(ids.size === 120, `got ${ids.size} distinct images, want 120 over 3 pages`);
    },
  },
  {
    name: "@mly/fetch: a replayed callback is refused before any exchange",
    pkg: "fetch",
    async fn(world) {
      const context = { profile: world.mapillary, client: world.mlyClient };
      const { url, pending } = await startLogin(context, { redirectUri: world.redirectUri });
      const callback = await approve(url);
      await finishLogin(context, pending, callback);
      let error;
      try {
        await finishLogin(context, pending, callback);
      } catch (e) {
        error = e;
      }
      assert(error instanceof StateMismatchError, `replay → StateMismatchError, got ${String(error)}`);
    },
  },
  {
    name: "@mly/fetch + @mly/ratelimit: Mapiq client credentials, calls spaced by the limiter",
    pkg: "fetch",
    async fn(world) {
      const limiter = createRateLimiter({ limit: 10, windowMs: 1_000, marginMs: 0 });
      const api = createApiClient({ profile: world.mapiq, client: world.mapiqClient, limiter });
      const started = [];
      for (let i = 0; i < 4; i++) {
        started.push(Date.now());
        const buildings = await api.ky.get("v2/buildings").json();
        assert(buildings !== null && typeof buildings === "object", "buildings body");
      }
      const elapsed = Date.now() - started[0];
      assert(elapsed >= 3 * 100 - 15, `4 calls at 10/s took ${elapsed} ms (< 300 ms: not spaced)`);
    },
  },
  // ---- @mly/ratelimit (memory)
  {
    name: "@mly/ratelimit: even spacing of a memory limiter",
    pkg: "ratelimit",
    async fn() {
      const limiter = createRateLimiter({ limit: 5, windowMs: 500, marginMs: 0 });
      const times = [];
      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: 5 }, async () => {
          const permit = await limiter.acquire("GET /x");
          times.push(Date.now() - t0);
          await permit.settle({ status: 200 });
        }),
      );
      times.sort((a, b) => a - b);
      // Never early: permit i comes at least i spacings after t0, taken before the first acquire (a
      // late wake-up of one permit, which a loaded machine causes, must not make a gap look short).
      // No upper bound: how late a busy machine wakes up is not the limiter's behaviour.
      for (let i = 1; i < times.length; i++) {
        assert(times[i] >= i * 100 - 15, `permit ${i} at ${times[i]} ms in ${times.join(",")}`);
      }
    },
  },
  {
    name: "@mly/ratelimit: an aborted waiter rejects and frees its place",
    pkg: "ratelimit",
    async fn() {
      const limiter = createRateLimiter({ limit: 1, windowMs: 10_000, marginMs: 0 });
      const first = await limiter.acquire("k");
      await first.settle({ status: 200 });
      const controller = new AbortController();
      const waiting = limiter.acquire("k", { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      let error;
      try {
        await waiting;
      } catch (e) {
        error = e;
      }
      assert(error !== undefined && error.code === "aborted", `aborted waiter → code aborted, got ${String(error?.code ?? error)}`);
    },
  },
];

/**
 * Runs every check and reports each line through `log`; resolves to the counts.
 * @param {Config} config
 * @param {(line: string) => void} log
 */
export async function runSuite(config, log) {
  const world = {
    config,
    mapillary: mapillaryProfile(config.endpoints.mapillary),
    mapiq: mapiqProfile(config.endpoints.mapiq),
    mlyClient: createClient(config.credentials.mapillary),
    mapiqClient: createClient(config.credentials.mapiq),
    redirectUri: `${config.callbackBase}/callback`,
  };
  let passed = 0;
  let failed = 0;
  for (const check of checks) {
    const t = Date.now();
    try {
      await check.fn(world);
      passed++;
      log(`ok - [${check.pkg}] ${check.name} (${Date.now() - t} ms)`);
    } catch (error) {
      failed++;
      log(`not ok - [${check.pkg}] ${check.name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
  log(`${passed} passed, ${failed} failed`);
  return { passed, failed };
}
