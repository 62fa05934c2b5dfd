import { type Clock, delay, classifyApiResponse, emitEvent, HttpError, LoginRequiredError, type MlyEventListener, type OAuthClient, type PermitOutcome, placeCredential, type ProviderProfile, type RateLimitedError, type RateLimiter, type RateLimitPermit, readBoundedText, responseBodyMatters, systemClock, TransportError, type TokenSet } from "@mly/auth-core";
import { rateLimitKeys } from "@mly/auth-core/rate-limit";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import type { TokenSource } from "./token_source.ts";

/** Automatic wait-and-retry on throttling. */
export interface RateLimitRetry {
  /** Wait at most this long for one throttle, in ms; a longer wait throws `RateLimitedError`. */
  maxWaitMs: number;
  /**
   * Retry at most this many times per call.
   *
   * @default 3
   */
  maxRetries?: number;
}

/** Options of {@link createAuthFetch}. */
export interface AuthFetchOptions {
  /** The provider (from `@mly/auth-core`). */
  profile: ProviderProfile;
  /** The app's credentials (Mapillary v2 sends `client_id` on every call). */
  client?: OAuthClient;
  /** Where tokens come from: `coordinatedTokens(…)` or `clientTokenSource(…)`; `null`: no token, the app's `client_id` only (Mapillary v2). */
  tokens: TokenSource | null;
  /**
   * Spaces requests. Every attempt, retries included, acquires a permit for each rate-limit key
   * and settles it with the answer's status and, for a throttle, the server's wait: the limiter
   * then pauses the keys (a 429 without a wait pauses one window), and every call on them waits
   * in its queue until the pause ends (the call's `AbortSignal` ends the wait). The limiter is
   * the one place a pause lives. `false` turns rate limiting off: no permits, and no pause
   * shared between calls (see `retryOnRateLimit`).
   *
   * @default adaptivePoliciesFor(profile) of `@mly/ratelimit/adaptive`: the profile's documented policies and per-route limits, in memory, learning a route's real limit from its 429s
   */
  limiter?: RateLimiter | false;
  /**
   * The rate-limit keys of a request.
   *
   * @default rateLimitKeys(profile, method, url) of `@mly/auth-core`
   */
  rateLimitKeys?: (method: string, url: string) => readonly string[];
  /**
   * Wait and retry when throttled, or (`false`) throw `RateLimitedError` at once. A retry
   * acquires its permits again, so it waits for the pause the throttle set in the limiter; with
   * `limiter: false` the throttled call waits the server's wait out by itself, and other calls
   * are not held.
   *
   * @default false
   */
  retryOnRateLimit?: RateLimitRetry | false;
  /**
   * `x-app-usage` percentage from which the keys pause (the answer itself is returned).
   *
   * @default 95
   */
  appUsageThreshold?: number;
  /**
   * Put a user token into a URL where the API wants one (tiles).
   *
   * @default false
   */
  allowUserTokenInUrl?: boolean;
  /**
   * The fetch to call.
   *
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * The clock: token expiry, the per-attempt timeout and a retry's own wait run on it.
   *
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Timeout of each attempt on the wire, in ms, until the response headers (and the few KiB read
   * to detect a throttle or a rejected token) have arrived. It never covers a wait for the
   * limiter or for a rate-limit retry. Past it: `TransportError`.
   *
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Receives a `request` event per attempt that got a response (route keys, method, status,
   * `durationMs` on `clock`) and `throttle.seen` per throttle answer (keys, wait, reason); passed
   * to the default limiter too (`limiter.wait`: a call waited for a slot or a pause). Never a URL
   * or a token. A listener that throws is ignored; without one, no event is built.
   *
   * @default undefined
   */
  onEvent?: MlyEventListener | undefined;
}

/**
 * An authenticated `fetch` for one API: each attempt waits for the rate limiter, takes a usable
 * token from the {@link TokenSource}, places it where the API wants it, sends the request and
 * settles its permits with the answer, then acts on what the answer means
 * (`classifyApiResponse` of the core). A 401 or Graph code 190 renews the token once and replays
 * (only if the rejected token is still the current one, so concurrent 401s share one refresh); a
 * second rejection throws `LoginRequiredError`. Every throttle shape (429, Graph 4/17/613, APIM
 * 403 quota, `x-app-usage` over the threshold) pauses the keys in the limiter (through the
 * permits' settle) and throws `RateLimitedError`, or waits and retries when `retryOnRateLimit`
 * allows. Rate limiting is on by default (the profile's documented policies). Redirects are
 * followed only within the same origin: a redirect to another origin is an `HttpError` naming
 * the status and that origin. Only the first few KiB of a body are read to inspect it.
 *
 * @example A Mapillary v4 call with the app's client token
 * ```ts
 * import { Secret, mapillary } from "@mly/auth-core";
 * import { clientTokenSource, createAuthFetch } from "@mly/fetch";
 *
 * const authFetch = createAuthFetch({ profile: mapillary, tokens: clientTokenSource(new Secret("MLY|1234|…")) });
 * const response = await authFetch("https://graph.mapillary.com/images?bbox=13.0,52.5,13.1,52.6&fields=id");
 * ```
 */
export function createAuthFetch(options: AuthFetchOptions): (input: Request | string | URL, init?: RequestInit) => Promise<Response> {
  const profile = options.profile;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  const limiter = options.limiter === false ? undefined : (options.limiter ?? adaptivePoliciesFor(profile, { onEvent }));
  // A request's keys name its permits and its events: without a limiter or a listener, nobody needs them.
  const keysOf =
    limiter === undefined && onEvent === undefined ? undefined : (options.rateLimitKeys ?? ((method: string, url: string): readonly string[] => rateLimitKeys(profile, method, url)));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry = options.retryOnRateLimit === false ? undefined : options.retryOnRateLimit;
  const threshold = options.appUsageThreshold ?? 95;

  const placeOptions = {
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.allowUserTokenInUrl === undefined ? {} : { allowUserTokenInUrl: options.allowUserTokenInUrl }),
  };

  return async function authFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    let call = readCall(input, init);
    let keys = keysOf?.(call.method, call.url) ?? NO_KEYS;
    let renewed = false;
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      // The slot first, then the token: a call may queue in the limiter for a long time (a pause
      // a throttle asked for included), and the token must be the one that is usable when the
      // request actually leaves.
      const permits = limiter === undefined || keys.length === 0 ? NO_PERMITS : await acquireAll(limiter, keys, call.signal);
      let tokens: TokenSet | undefined;
      let placed: ReturnType<typeof placeCredential>;
      try {
        tokens = await options.tokens?.token(call.signal);
        placed = placeCredential(profile, tokens, call.url, { ...placeOptions, now: clock.now() });
      } catch (error) {
        await cancelAll(permits);
        throw error;
      }
      // Every permit is settled (the request went out) or cancelled (it never did), on every path.
      let response: Response | undefined;
      let limited: RateLimitedError | undefined;
      let rejected = false;
      let sent = false;
      // The timeout covers this attempt on the wire only: never a limiter or rate-limit wait.
      const wire = new AbortController();
      const timer = clock.setTimeout(() => {
        wire.abort(TIMED_OUT);
      }, timeoutMs);
      forwardAbort(call.signal, wire);
      try {
        // The caller's request is never modified: the token goes on a copy of its headers, so it
        // cannot surface through the caller's Request (ky attaches it to its errors, say).
        const headers = withCredential(call.headers, placed.authorization);
        const body = call.body === null ? null : await call.body.clone().arrayBuffer();
        sent = true;
        const sentAt = clock.now();
        response = await fetchImpl(placed.url, { method: call.method, headers, body, signal: wire.signal, redirect: "manual" });
        // What the answer means is decided by the core (one place for every API); only a bounded
        // prefix of the body is read, and only for the statuses whose body can change the verdict.
        const inspected = responseBodyMatters(response.status) ? await readBoundedText(response.clone(), { maxBytes: INSPECT_BYTES, overflow: "truncate" }) : "";
        const verdict = classifyApiResponse(profile, { status: response.status, headers: response.headers, body: inspected }, { now: clock.now(), tokenSent: tokens !== undefined, appUsageThreshold: threshold });
        limited = verdict.kind === "throttled" ? verdict.error : verdict.kind === "ok" ? verdict.slowDown : undefined;
        rejected = verdict.kind === "token_rejected";
        if (onEvent !== undefined) {
          emitEvent(onEvent, { type: "request", keys, method: call.method, status: response.status, durationMs: clock.now() - sentAt });
          if (limited !== undefined) emitEvent(onEvent, { type: "throttle.seen", keys, status: response.status, retryAfterMs: limited.retryAfterMs, reason: limited.source });
        }
      } catch (error) {
        if (wire.signal.reason === TIMED_OUT) throw new TransportError(`${call.method} ${call.url.split("?")[0]} timed out after ${timeoutMs} ms`);
        throw error;
      } finally {
        clock.clearTimeout(timer);
        // A throttle's wait goes to the limiter with the outcome: the settle pauses the keys (a
        // 429 without a wait pauses one window), so every caller of the limiter waits it out.
        if (!sent) await cancelAll(permits);
        else if (permits.length > 0) await settleAll(permits, response === undefined ? {} : { status: response.status, ...(limited === undefined ? {} : { retryAfterMs: limited.retryAfterMs }) });
      }
      if (limited !== undefined && !response.ok) {
        await response.body?.cancel();
        if (retry === undefined || limited.retryAfterMs > retry.maxWaitMs || attempt >= (retry.maxRetries ?? 3)) throw limited;
        // The retry's permits wait for the pause in the limiter. With no permits (`limiter: false`,
        // or a request no policy covers) nothing else holds the wait: this call waits by itself.
        if (permits.length === 0) await delay(limited.retryAfterMs, { signal: call.signal, clock });
        continue;
      }
      if (rejected && tokens !== undefined && options.tokens !== null) {
        await response.body?.cancel();
        if (renewed || tokens.kind === "client_token") {
          throw loginAgain(profile.name, response.status);
        }
        const next = await options.tokens.renewRejected(tokens.accessToken, call.signal);
        if (next === undefined) throw loginAgain(profile.name, response.status);
        renewed = true;
        continue;
      }
      // A redirect is followed within the origin only (a browser's opaque redirect is returned as is: never followed).
      if (call.redirect !== "manual" && REDIRECT_STATUSES.has(response.status) && response.headers.has("location")) {
        await response.body?.cancel();
        // As fetch does it: 303 (and 301/302 after a POST) become GET, without the body.
        const method = response.status === 303 || (response.status < 303 && call.method === "POST") ? "GET" : call.method;
        call = { ...call, url: redirectTarget(response, call.url, ++redirects), method, body: method === call.method ? call.body : null };
        keys = keysOf?.(call.method, call.url) ?? NO_KEYS;
        continue;
      }
      return response;
    }
  };
}

/** A call as authFetch sends it, read once from the caller's arguments (which are never modified). */
interface Call {
  /** The method, normalized as fetch does it (`get` → `GET`). */
  readonly method: string;
  /** The absolute URL. */
  readonly url: string;
  /** The caller's headers, copied (with the credential) for each attempt. */
  readonly headers: RequestInit["headers"];
  /** The request whose body is sent (cloned for each attempt), or `null`: no body. */
  readonly body: Request | null;
  /** A Request's own signal (it follows the caller's signal), or none: the caller passed no signal. */
  readonly signal: AbortSignal | undefined;
  /** The caller's redirect mode: `manual` returns redirects as they are. */
  readonly redirect: NonNullable<RequestInit["redirect"]>;
}

/** The methods fetch upper-cases (any other one is sent as written). */
const STANDARD_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

/**
 * Reads the caller's arguments. The common call, a URL with at most a standard method, headers
 * and a redirect mode, is read as is: no `Request` is built only to be taken apart (fetch builds
 * its own). Anything else (a body, a signal, other methods, a relative URL) becomes a `Request`,
 * so fetch's own rules apply to it; a `Request` without `init` is read as it is.
 */
function readCall(input: Request | string | URL, init: RequestInit | undefined): Call {
  if (!(input instanceof Request) && init?.body == null && init?.signal == null) {
    const method = (init?.method ?? "GET").toUpperCase();
    const url = absoluteUrl(input);
    if (url !== undefined && STANDARD_METHODS.has(method)) return { method, url, headers: init?.headers, body: null, signal: undefined, redirect: init?.redirect ?? "follow" };
  }
  const request = input instanceof Request && (init === undefined || Object.keys(init).length === 0) ? input : new Request(input, init);
  return { method: request.method, url: request.url, headers: request.headers, body: request.body === null ? null : request, signal: request.signal, redirect: request.redirect };
}

/** `input` as an absolute URL, or `undefined` when it is relative (a browser resolves it against the page). */
function absoluteUrl(input: string | URL): string | undefined {
  try {
    return new URL(input).href;
  } catch {
    return undefined;
  }
}

/**
 * Makes an abort of the caller's request abort `wire` too, the response body included. The
 * signal is the request's own (made with it, following the caller's), so the listener lasts as
 * long as the request and never piles up on a long-lived signal of the caller's.
 */
function forwardAbort(signal: AbortSignal | undefined, wire: AbortController): void {
  if (signal === undefined) return;
  if (signal.aborted) wire.abort(signal.reason);
  else signal.addEventListener("abort", () => { wire.abort(signal.reason); }, { once: true });
}

/** The reason an attempt is aborted with when it runs out of time. */
const TIMED_OUT = new DOMException("The attempt on the wire timed out", "TimeoutError");
const NO_KEYS: readonly string[] = [];
const NO_PERMITS: readonly RateLimitPermit[] = [];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function loginAgain(provider: string, status: number): LoginRequiredError {
  return new LoginRequiredError(`${provider} rejected the token (HTTP ${status}); log in again`, { status });
}

/** A permit for every key, in order; if one cannot be had, the ones taken are given back. */
function acquireAll(limiter: RateLimiter, keys: readonly string[], signal: AbortSignal | undefined): Promise<readonly RateLimitPermit[]> {
  const only = keys.length === 1 ? keys[0] : undefined;
  // One key (every policy of the built-in providers): its permit is the list.
  return only === undefined ? acquireEach(limiter, keys, signal) : limiter.acquire(only, { signal }).then(listOfOne);
}

function listOfOne(permit: RateLimitPermit): readonly RateLimitPermit[] {
  return [permit];
}

async function acquireEach(limiter: RateLimiter, keys: readonly string[], signal: AbortSignal | undefined): Promise<readonly RateLimitPermit[]> {
  const permits: RateLimitPermit[] = [];
  try {
    for (const key of keys) permits.push(await limiter.acquire(key, { signal }));
  } catch (error) {
    await cancelAll(permits);
    throw error;
  }
  return permits;
}

/** Settles every permit at once; waits only for the settles that answer with a promise (a shared limiter's round trip). */
async function settleAll(permits: readonly RateLimitPermit[], outcome: PermitOutcome): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const permit of permits) {
    const settled = permit.settle(outcome);
    if (settled !== undefined) pending.push(settled);
  }
  if (pending.length > 0) await Promise.all(pending);
}

async function cancelAll(permits: readonly RateLimitPermit[]): Promise<void> {
  for (const permit of permits) await permit.cancel();
}

/** How much of a 400/401/403/429 body is read to inspect it: error bodies are small; the rest is never needed here. */
const INSPECT_BYTES = 8 * 1024;

/**
 * The caller's headers with the credential set, on a copy. A credential fetch would refuse (or
 * that no server should see: control characters) is a typed error that never quotes it: fetch's
 * own error could.
 */
function withCredential(headers: RequestInit["headers"], authorization: string | undefined): NonNullable<RequestInit["headers"]> {
  if (authorization === undefined) return headers ?? {};
  if (UNSENDABLE_HEADER_VALUE.test(authorization)) throw new LoginRequiredError("Bad token; log in again");
  // The usual call brings no headers of its own: a plain record is all fetch needs.
  if (headers === undefined) return { authorization };
  const copy = new Headers(headers);
  copy.set("authorization", authorization);
  return copy;
}

/** A character a credential may not carry: a control character (C0, DEL or C1; tab aside), or one beyond Latin-1 (fetch refuses NUL, CR, LF and those). */
const UNSENDABLE_HEADER_VALUE = /[^\t\x20-\x7e\xa0-\xff]/;

/** Where a redirect goes, if it may be followed: the same origin, at most 5 times; else an {@link HttpError}. */
function redirectTarget(response: Response, from: string, count: number): string {
  const target = new URL(response.headers.get("location") ?? "", from);
  if (target.origin !== new URL(from).origin || count > 5) throw new HttpError(response.status, `HTTP ${response.status} redirect to ${target.origin} not followed`);
  return target.href;
}
