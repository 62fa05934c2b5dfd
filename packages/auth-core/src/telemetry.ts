/**
 * Typed telemetry events of mly: what the refresh coordinator, the rate limiters and
 * `authFetch` did, for metrics, traces and dashboards. An event carries keys (token keys, route
 * keys: never a token), durations measured on the emitter's own clock and stable error codes —
 * never a token, secret, code, URL or message.
 *
 * @module
 */
import type { RateLimitSource } from "./errors.ts";

/** A token renewal (one token request) started for `key`. */
export interface RefreshStartEvent {
  /** `refresh.start`. */
  readonly type: "refresh.start";
  /** The token key in the store (`formatTokenKey`). */
  readonly key: string;
}

/** A token renewal succeeded. */
export interface RefreshSuccessEvent {
  /** `refresh.success`. */
  readonly type: "refresh.success";
  /** The token key. */
  readonly key: string;
  /** From `refresh.start` to the renewed token, ms. */
  readonly durationMs: number;
}

/** A token renewal failed. */
export interface RefreshFailureEvent {
  /** `refresh.failure`. */
  readonly type: "refresh.failure";
  /** The token key. */
  readonly key: string;
  /** From `refresh.start` to the failure, ms. */
  readonly durationMs: number;
  /** The error's stable `code` (`oauth_error`, `transport_error`, …; `unknown` for a foreign error). */
  readonly code: string;
  /** The OAuth `error` field when it is a registered code (`invalid_grant`, …; anything else: `other`). */
  readonly error?: string;
  /** The HTTP status, when a response came. */
  readonly status?: number;
}

/** The token store could not be written, or its lock not released. */
export interface StoreErrorEvent {
  /** `store.error`. */
  readonly type: "store.error";
  /** The token key. */
  readonly key: string;
  /** The error's stable `code` (`unknown` for a foreign error). */
  readonly code: string;
}

/** A caller waited in a rate limiter before its slot was granted. */
export interface LimiterWaitEvent {
  /** `limiter.wait`. */
  readonly type: "limiter.wait";
  /** The limiter key (a route key such as `mapiq:endpoint:GET /v2/users`). */
  readonly key: string;
  /** How long the caller waited, ms. */
  readonly durationMs: number;
}

/** A rate limiter froze a key because a server asked to wait. */
export interface LimiterPauseEvent {
  /** `limiter.pause`. */
  readonly type: "limiter.pause";
  /** The limiter key. */
  readonly key: string;
  /** How long the key is frozen, ms. */
  readonly durationMs: number;
}

/** `authFetch` saw a throttle answer (429, Graph 4/17/613, APIM quota, `x-app-usage`). */
export interface ThrottleSeenEvent {
  /** `throttle.seen`. */
  readonly type: "throttle.seen";
  /** The rate-limit keys of the request. */
  readonly keys: readonly string[];
  /** The HTTP status. */
  readonly status: number;
  /** How long the server asked to wait, ms. */
  readonly retryAfterMs: number;
  /** Where the wait came from (`retry-after`, `graph-code`, `app-usage`, …). */
  readonly reason: RateLimitSource;
}

/** `authFetch` got a response to one attempt. */
export interface RequestEvent {
  /** `request`. */
  readonly type: "request";
  /** The rate-limit keys of the request (route keys, never the URL). */
  readonly keys: readonly string[];
  /** The HTTP method. */
  readonly method: string;
  /** The HTTP status. */
  readonly status: number;
  /** From sending the request to its response headers, ms. */
  readonly durationMs: number;
}

/** Every event mly emits; switch on `type`. */
export type MlyEvent =
  | RefreshStartEvent
  | RefreshSuccessEvent
  | RefreshFailureEvent
  | StoreErrorEvent
  | LimiterWaitEvent
  | LimiterPauseEvent
  | ThrottleSeenEvent
  | RequestEvent;

/**
 * Receives events, synchronously, as they happen. A listener that throws is ignored: telemetry
 * never breaks a call. Keep it fast (count, record, queue).
 */
export type MlyEventListener = (event: MlyEvent) => void;

/**
 * Calls `listener` with `event`, if there is a listener; whatever it throws is dropped.
 *
 * @example
 * ```ts
 * import { emitEvent, type MlyEvent } from "@mly/auth-core";
 *
 * const seen: MlyEvent[] = [];
 * emitEvent((event) => seen.push(event), { type: "refresh.start", key: "mapiq:id:default" });
 * emitEvent(undefined, { type: "refresh.start", key: "mapiq:id:default" }); // no listener: nothing happens
 * ```
 */
export function emitEvent(listener: MlyEventListener | undefined, event: MlyEvent): void {
  if (listener === undefined) return;
  try {
    listener(event);
  } catch {
    // A broken listener must not break the call it observes.
  }
}

/**
 * The fields of a failure event for `error`: its stable code, OAuth `error` and status — never its
 * message.
 *
 * @example
 * ```ts
 * import { errorFields, OAuthError } from "@mly/auth-core";
 *
 * errorFields(new Error("boom")); // { code: "unknown" }
 * ```
 */
export function errorFields(error: unknown): { code: string; error?: string; status?: number } {
  const { code, error: oauthError, status } = (error ?? {}) as { code?: unknown; error?: unknown; status?: unknown };
  return {
    code: typeof code === "string" && /^[a-z_]{1,40}$/.test(code) ? code : "unknown",
    // A server may put anything into `error` (even an echoed token): only registered codes are passed on.
    ...(typeof oauthError === "string" ? { error: OAUTH_ERROR.test(oauthError) ? oauthError : "other" } : {}),
    ...(typeof status === "number" ? { status } : {}),
  };
}

/** The OAuth error codes of RFC 6749 §4.1.2.1 and §5.2, the only `error` values an event repeats. */
const OAUTH_ERROR = /^(invalid_(request|client|grant|scope)|unauthorized_client|unsupported_(grant|response)_type|access_denied|server_error|temporarily_unavailable)$/;
