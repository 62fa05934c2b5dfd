import {
  type Clock,
  delay,
  detectRateLimit,
  LoginRequiredError,
  type OAuthClient,
  placeCredential,
  type ProviderProfile,
  RateLimitedError,
  type RateLimiter,
  type RateLimitPermit,
  rateLimitKeys,
  systemClock,
  type TokenSet,
} from "./_core.ts";
import type { TokenSource } from "./token_source.ts";

/** Automatic wait-and-retry on throttling. */
export interface RateLimitRetry {
  /** Wait at most this long for one throttle, in ms; a longer wait throws `RateLimitedError`. */
  maxWaitMs: number;
  /** Retry at most this many times per call (default 3). */
  maxRetries?: number;
}

/** Options of {@link createAuthFetch}. */
export interface AuthFetchOptions {
  /** The provider (from `@mly/auth-core`). */
  profile: ProviderProfile;
  /** The app's credentials (Mapillary v2 sends `client_id` on every call). */
  client?: OAuthClient;
  /** Where tokens come from: `coordinatedTokens(…)` or `clientTokenSource(…)`. */
  tokens: TokenSource;
  /** Spaces requests; every attempt, retries included, acquires a permit for each rate-limit key. */
  limiter?: RateLimiter;
  /** The rate-limit keys of a request (default: `rateLimitKeys(profile, method, url)` from the core). */
  rateLimitKeys?: (method: string, url: string) => readonly string[];
  /** Wait and retry when throttled (default: off, a `RateLimitedError` is thrown at once). */
  retryOnRateLimit?: RateLimitRetry | false;
  /** `x-app-usage` percentage from which the key pauses (default 95). */
  appUsageThreshold?: number;
  /** Put a user token into a URL where the API wants one (tiles); default `false`. */
  allowUserTokenInUrl?: boolean;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The clock (default: the system clock). */
  clock?: Clock;
}

/**
 * An authenticated `fetch` for one API: each attempt waits for the rate limiter, takes a usable
 * token from the {@link TokenSource}, places it where the API wants it, and reads the answer.
 * A 401 or Graph code 190 renews the token once and replays (only if the rejected token is still
 * the current one, so concurrent 401s share one refresh); a second rejection throws
 * `LoginRequiredError`. Every throttle shape (429, Graph 4/17/613, APIM 403 quota,
 * `x-app-usage` over the threshold) pauses the keys in the limiter and throws
 * `RateLimitedError`, or waits and retries when `retryOnRateLimit` allows.
 *
 * @example
 * ```ts
 * import { Secret, mapillary } from "@mly/auth-core";
 * import { clientTokenSource, createAuthFetch } from "@mly/fetch";
 *
 * const authFetch = createAuthFetch({ profile: mapillary, tokens: clientTokenSource(new Secret("MLY|1234|…")) });
 * const response = await authFetch("https://graph.mapillary.com/images?bbox=13.0,52.5,13.1,52.6&fields=id");
 * ```
 */
export function createAuthFetch(options: AuthFetchOptions): (input: Request | string | URL, init?: RequestInit) => Promise<Response> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const keysOf = options.rateLimitKeys ?? ((method: string, url: string): readonly string[] => rateLimitKeys(options.profile, method, url));
  const frozenUntil = new Map<string, number>();
  const retry = options.retryOnRateLimit === false ? undefined : options.retryOnRateLimit;
  const threshold = options.appUsageThreshold ?? 95;

  const throttled = async (keys: readonly string[], limited: RateLimitedError): Promise<void> => {
    const until = clock.now() + limited.retryAfterMs;
    for (const key of keys) {
      if ((frozenUntil.get(key) ?? 0) < until) frozenUntil.set(key, until);
      await options.limiter?.pause(key, limited.retryAfterMs);
    }
  };

  const placeOptions = {
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.allowUserTokenInUrl === undefined ? {} : { allowUserTokenInUrl: options.allowUserTokenInUrl }),
  };

  return async function authFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    const original = input instanceof Request && (init === undefined || Object.keys(init).length === 0) ? input : new Request(input, init);
    const signal = original.signal;
    const keys = keysOf(original.method, original.url);
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const frozen = frozenUntil.size === 0 ? 0 : _frozenWait(frozenUntil, keys, clock.now());
      if (frozen > 0) {
        if (retry === undefined || frozen > retry.maxWaitMs) throw _stillThrottled(frozen);
        await delay(frozen, { signal });
      }
      // The slot first, then the token: a call may queue in the limiter for a long time, and the
      // token must be the one that is usable when the request actually leaves.
      const permits = options.limiter === undefined || keys.length === 0 ? _NO_PERMITS : await _acquireAll(options.limiter, keys, signal);
      let tokens: TokenSet;
      let placed: ReturnType<typeof placeCredential>;
      try {
        tokens = await options.tokens.token(signal);
        placed = placeCredential(options.profile, tokens, original.url, { ...placeOptions, now: clock.now() });
      } catch (error) {
        for (const permit of permits) await permit.cancel();
        throw error;
      }
      // Every permit is settled (the request went out) or cancelled (it never did), on every path.
      let response: Response | undefined;
      let limited: RateLimitedError | undefined;
      let sent = false;
      try {
        // The caller's request is never modified: the token goes on a fresh headers object, so it
        // cannot surface through the caller's Request (ky attaches it to a TimeoutError, say).
        const headers = new Headers(original.headers);
        if (placed.authorization !== undefined) headers.set("authorization", placed.authorization);
        const body = original.body === null ? null : await original.clone().arrayBuffer();
        sent = true;
        response = await fetchImpl(placed.url, { method: original.method, headers, body, signal, redirect: original.redirect });
        if (_THROTTLE_STATUSES.has(response.status) || response.headers.has("x-app-usage")) limited = await _throttle(response, clock.now(), threshold);
      } finally {
        if (permits.length > 0) {
          if (!sent) for (const permit of permits) await permit.cancel();
          else await _settleAll(permits, response === undefined ? {} : { status: response.status, ...(limited === undefined ? {} : { retryAfterMs: limited.retryAfterMs }) });
        }
      }
      if (limited !== undefined) {
        await throttled(keys, limited);
        if (!response.ok) {
          const maxRetries = retry?.maxRetries ?? 3;
          if (retry === undefined || limited.retryAfterMs > retry.maxWaitMs || attempt >= maxRetries) throw limited;
          await response.body?.cancel();
          await delay(limited.retryAfterMs, { signal });
          continue;
        }
      }
      if ((response.status === 401 || response.status === 400 || response.status === 403) && (await _rejectsToken(response))) {
        await response.body?.cancel();
        if (renewed || tokens.kind === "client_token") {
          throw _loginAgain(options.profile.name, response.status);
        }
        const next = await options.tokens.renewRejected(tokens.accessToken, signal);
        if (next === undefined) throw _loginAgain(options.profile.name, response.status);
        renewed = true;
        continue;
      }
      return response;
    }
  };
}

const _NO_PERMITS: readonly RateLimitPermit[] = [];

function _frozenWait(frozenUntil: Map<string, number>, keys: readonly string[], now: number): number {
  let wait = 0;
  for (const key of keys) {
    const until = frozenUntil.get(key);
    if (until === undefined) continue;
    if (until <= now) frozenUntil.delete(key);
    else wait = Math.max(wait, until - now);
  }
  return wait;
}

function _stillThrottled(waitMs: number): RateLimitedError {
  return new RateLimitedError(waitMs, "limiter");
}

function _loginAgain(provider: string, status: number): LoginRequiredError {
  return new LoginRequiredError(`${provider} rejected the token (HTTP ${status}); log in again`, { status });
}

async function _acquireAll(limiter: RateLimiter, keys: readonly string[], signal: AbortSignal): Promise<RateLimitPermit[]> {
  const permits: RateLimitPermit[] = [];
  try {
    for (const key of keys) permits.push(await limiter.acquire(key, { signal }));
  } catch (error) {
    for (const permit of permits) await permit.cancel();
    throw error;
  }
  return permits;
}

async function _settleAll(permits: readonly RateLimitPermit[], outcome: { status?: number; retryAfterMs?: number }): Promise<void> {
  for (const permit of permits) await permit.settle(outcome);
}

/** Statuses whose body may say "slow down" (429; Graph codes 4/17/613 come with 400 or 403). */
const _THROTTLE_STATUSES: ReadonlySet<number> = new Set([400, 403, 429]);

async function _throttle(response: Response, now: number, threshold: number): Promise<RateLimitedError | undefined> {
  const status = response.status;
  const body = _THROTTLE_STATUSES.has(status) ? await response.clone().text() : "";
  return detectRateLimit({ status, headers: response.headers, body }, { now, appUsageThreshold: threshold });
}

async function _rejectsToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (response.status !== 400 && response.status !== 403) return false;
  const text = await response.clone().text();
  return /"code"\s*:\s*190\b/.test(text);
}
