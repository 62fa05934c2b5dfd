import {
  type Clock,
  delay,
  detectRateLimit,
  HttpError,
  LoginRequiredError,
  type OAuthClient,
  placeCredential,
  type ProviderProfile,
  RateLimitedError,
  type RateLimiter,
  type RateLimitPermit,
  rateLimitKeys,
  readBoundedText,
  systemClock,
  TransportError,
  type TokenSet,
} from "./_core.ts";
import { policiesFor } from "@mly/ratelimit";
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
  /**
   * Spaces requests; every attempt, retries included, acquires a permit for each rate-limit key.
   * Default: the profile's documented policies, in memory (`policiesFor(profile)` of
   * `@mly/ratelimit`); `false` turns rate limiting off.
   */
  limiter?: RateLimiter | false;
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
  /**
   * Timeout of each attempt on the wire, in ms, until the response headers (and the few KiB read
   * to detect a throttle or a rejected token) have arrived (default 30 s). It never covers a
   * wait for the limiter or for a rate-limit retry. Past it: `TransportError`.
   */
  timeoutMs?: number;
}

/**
 * An authenticated `fetch` for one API: each attempt waits for the rate limiter, takes a usable
 * token from the {@link TokenSource}, places it where the API wants it, and reads the answer.
 * A 401 or Graph code 190 renews the token once and replays (only if the rejected token is still
 * the current one, so concurrent 401s share one refresh); a second rejection throws
 * `LoginRequiredError`. Every throttle shape (429, Graph 4/17/613, APIM 403 quota,
 * `x-app-usage` over the threshold) pauses the keys in the limiter and throws
 * `RateLimitedError`, or waits and retries when `retryOnRateLimit` allows. Rate limiting is on
 * by default (the profile's documented policies). Redirects are followed only within the same
 * origin: a redirect to another origin is an `HttpError` naming the status and that origin.
 * Only the first few KiB of a body are read to inspect it.
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
  const limiter = options.limiter === false ? undefined : (options.limiter ?? policiesFor(options.profile));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const frozenUntil = new Map<string, number>();
  const retry = options.retryOnRateLimit === false ? undefined : options.retryOnRateLimit;
  const threshold = options.appUsageThreshold ?? 95;

  const throttled = async (keys: readonly string[], limited: RateLimitedError): Promise<void> => {
    const until = clock.now() + limited.retryAfterMs;
    for (const key of keys) {
      if ((frozenUntil.get(key) ?? 0) < until) frozenUntil.set(key, until);
      await limiter?.pause(key, limited.retryAfterMs);
    }
  };

  const placeOptions = {
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.allowUserTokenInUrl === undefined ? {} : { allowUserTokenInUrl: options.allowUserTokenInUrl }),
  };

  return async function authFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    let request = input instanceof Request && (init === undefined || Object.keys(init).length === 0) ? input : new Request(input, init);
    const signal = request.signal;
    let keys = keysOf(request.method, request.url);
    let renewed = false;
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      const frozen = frozenUntil.size === 0 ? 0 : _frozenWait(frozenUntil, keys, clock.now());
      if (frozen > 0) {
        if (retry === undefined || frozen > retry.maxWaitMs) throw _stillThrottled(frozen);
        await delay(frozen, { signal });
      }
      // The slot first, then the token: a call may queue in the limiter for a long time, and the
      // token must be the one that is usable when the request actually leaves.
      const permits = limiter === undefined || keys.length === 0 ? _NO_PERMITS : await _acquireAll(limiter, keys, signal);
      let tokens: TokenSet;
      let placed: ReturnType<typeof placeCredential>;
      try {
        tokens = await options.tokens.token(signal);
        placed = placeCredential(options.profile, tokens, request.url, { ...placeOptions, now: clock.now() });
      } catch (error) {
        for (const permit of permits) await permit.cancel();
        throw error;
      }
      // Every permit is settled (the request went out) or cancelled (it never did), on every path.
      let response: Response | undefined;
      let limited: RateLimitedError | undefined;
      let rejected = false;
      let sent = false;
      // The timeout covers this attempt on the wire only: never a limiter or rate-limit wait.
      const wire = _attemptSignal(signal, timeoutMs);
      try {
        // The caller's request is never modified: the token goes on a fresh headers object, so it
        // cannot surface through the caller's Request (ky attaches it to a TimeoutError, say).
        const headers = _withCredential(request.headers, placed.authorization, options.profile.name);
        const body = request.body === null ? null : await request.clone().arrayBuffer();
        sent = true;
        response = await fetchImpl(placed.url, { method: request.method, headers, body, signal: wire.signal, redirect: "manual" });
        // Inspect a bounded prefix of the body, only for the statuses whose body may matter.
        const inspected = _INSPECTED_STATUSES.has(response.status) ? await readBoundedText(response.clone(), { maxBytes: _INSPECT_BYTES, overflow: "truncate" }) : "";
        if (_THROTTLE_STATUSES.has(response.status) || response.headers.has("x-app-usage")) limited = _throttle(response, inspected, clock.now(), threshold);
        rejected = _rejectsToken(response.status, inspected);
      } catch (error) {
        if (wire.timedOut()) throw new TransportError(`${request.method} ${_withoutQuery(request.url)} timed out after ${timeoutMs} ms; check the network`);
        throw error;
      } finally {
        wire.done();
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
      if (rejected) {
        await response.body?.cancel();
        if (renewed || tokens.kind === "client_token") {
          throw _loginAgain(options.profile.name, response.status);
        }
        const next = await options.tokens.renewRejected(tokens.accessToken, signal);
        if (next === undefined) throw _loginAgain(options.profile.name, response.status);
        renewed = true;
        continue;
      }
      if (request.redirect !== "manual" && _isRedirect(response)) {
        await response.body?.cancel();
        const target = _redirectTarget(response, request.url, ++redirects);
        request = new Request(target, {
          method: _redirectMethod(response.status, request.method),
          headers: request.headers,
          body: _redirectMethod(response.status, request.method) === request.method && request.body !== null ? await request.clone().arrayBuffer() : null,
          signal,
        });
        keys = keysOf(request.method, request.url);
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

/** Statuses whose body is inspected (throttle shapes, Graph code 190). */
const _INSPECTED_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 429]);

/** How much of a body is read to inspect it: error bodies are small; the rest is never needed here. */
const _INSPECT_BYTES = 8 * 1024;

function _throttle(response: Response, inspected: string, now: number, threshold: number): RateLimitedError | undefined {
  const status = response.status;
  return detectRateLimit({ status, headers: response.headers, body: _THROTTLE_STATUSES.has(status) ? inspected : "" }, { now, appUsageThreshold: threshold });
}

function _rejectsToken(status: number, inspected: string): boolean {
  if (status === 401) return true;
  if (status !== 400 && status !== 403) return false;
  return /"code"\s*:\s*190\b/.test(inspected);
}

/** A copy of `headers` with the credential set; a value fetch would refuse is a typed error that never quotes it. */
function _withCredential(headers: Headers, authorization: string | undefined, provider: string): Headers {
  const copy = new Headers(headers);
  if (authorization === undefined) return copy;
  try {
    copy.set("authorization", authorization);
  } catch {
    throw new LoginRequiredError(`The stored ${provider} token is not a valid HTTP header value (a control character?); log in again`);
  }
  return copy;
}

/** A signal for one attempt on the wire: the caller's, plus a timeout that {@link done} stops. */
function _attemptSignal(caller: AbortSignal, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => {
    controller.abort(caller.reason);
  };
  if (caller.aborted) onAbort();
  // Kept after the attempt, so the caller can still abort reading the body.
  else caller.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
    },
  };
}

const _REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

function _isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (_REDIRECT_STATUSES.has(response.status) && response.headers.has("location"));
}

/** Where a redirect goes, if it may be followed: the same origin, at most 5 times; else an {@link HttpError}. */
function _redirectTarget(response: Response, from: string, count: number): string {
  const origin = new URL(from).origin;
  if (response.type === "opaqueredirect") {
    throw new HttpError(response.status, `${origin} answered a redirect whose target this runtime hides; not followed. Call the final URL directly`);
  }
  const target = new URL(response.headers.get("location") ?? "", from);
  if (target.origin !== origin) {
    throw new HttpError(response.status, `HTTP ${response.status} redirect from ${origin} to another origin, ${target.origin}: not followed (API calls stay on the API's origin). Check the API base URL`);
  }
  if (count > 5) throw new HttpError(response.status, `more than 5 redirects within ${origin}; check the API base URL`);
  return target.href;
}

/** The method after a redirect, as fetch does it: 303 (and 301/302 after a POST) become GET. */
function _redirectMethod(status: number, method: string): string {
  return status === 303 ? (method === "HEAD" ? "HEAD" : "GET") : (status === 301 || status === 302) && method === "POST" ? "GET" : method;
}

/** A URL without its query (which may hold a token). */
function _withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
