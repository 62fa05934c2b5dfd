import { RateLimitedError } from "./errors.ts";
import { throttleError } from "./_error_core.ts";
import { getHeader, type HttpResponseData } from "./http.ts";
import { isObject, parseJson, toNumber } from "./_json.ts";


/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from
 * `now`; `undefined` when absent or malformed.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@mly/auth-core/rate-limit";
 *
 * parseRetryAfter("120", Date.now()); // 120000
 * ```
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return finite(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : finite(Math.max(0, date - now));
}

/**
 * Reads the wait out of an APIM message: "Rate limit is exceeded. Try again in 289 seconds."
 * (browsers cannot read `Retry-After` cross-origin, so the message is the portable source).
 */
export function parseTryAgainMessage(message: string): number | undefined {
  const match = /try again in (\d+) seconds?/i.exec(message);
  return match?.[1] === undefined ? undefined : finite(Number(match[1]) * 1000);
}

function finite(ms: number): number | undefined {
  // Capped at the longest timer every runtime can arm (~24.8 days): a longer `setTimeout` fires at once.
  return Number.isFinite(ms) ? Math.min(ms, 2_147_483_647) : undefined;
}

/**
 * Reads the highest usage percentage from Mapillary's `x-app-usage` header
 * (`{"call_count":12,"total_cputime":3,"total_time":4}`); `undefined` when absent or malformed.
 */
export function parseAppUsage(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseJson(value);
  if (!isObject(parsed)) return undefined;
  let highest: number | undefined;
  for (const key of ["call_count", "call_volume", "total_cputime", "total_time"]) {
    const number = toNumber(parsed[key]);
    if (number !== undefined && (highest === undefined || number > highest)) highest = number;
  }
  return highest;
}

/** Options of {@link detectRateLimit}. */
export interface DetectRateLimitOptions {
  /** The current time in ms, to read HTTP-date `Retry-After` values. */
  now: number;
  /** Usage percentage in `x-app-usage` at or above which to slow down (default 95, like JOSM). */
  appUsageThreshold?: number;
  /** The wait to assume when the server says "slow down" without saying for how long (default 60 s). */
  defaultWaitMs?: number;
}

/**
 * Recognises every way the three APIs say "slow down": HTTP 429 (with `Retry-After`, an APIM
 * message or an upload `backoff`), HTTP 403 with Graph code 4/17/613 or a `Retry-After` (APIM
 * quota), and an `x-app-usage` header at or above the threshold. Returns `undefined` otherwise.
 * Never throws.
 *
 * @example
 * ```ts
 * import { detectRateLimit } from "@mly/auth-core/rate-limit";
 *
 * const limited = detectRateLimit(
 *   { status: 429, headers: { "retry-after": "3" }, body: "" },
 *   { now: Date.now() },
 * );
 * limited?.retryAfterMs; // 3000
 * ```
 */
export function detectRateLimit(response: HttpResponseData, options: DetectRateLimitOptions): RateLimitedError | undefined {
  const defaultWait = options.defaultWaitMs ?? 60_000;
  const retryAfter = parseRetryAfter(getHeader(response.headers, "retry-after"), options.now);
  const status = response.status;
  const body = status >= 400 ? parseJson(response.body) : undefined;
  if (status === 429 && retryAfter === undefined && isObject(body)) {
    // Before the default wait: the APIM message (Retry-After is unreadable cross-origin), an upload backoff.
    const message = typeof body["message"] === "string" ? parseTryAgainMessage(body["message"]) : undefined;
    if (message !== undefined) return new RateLimitedError(message, "message", { status });
    const backoff = toNumber(body["backoff"]);
    if (backoff !== undefined && backoff >= 0) return new RateLimitedError(backoff, "backoff", { status });
  }
  const throttled = throttleError(status, body, retryAfter, defaultWait);
  if (throttled !== undefined) return throttled;
  if (status === 403 && retryAfter !== undefined && !(isObject(body) && isObject(body["error"]))) {
    // An APIM quota policy: 403 + Retry-After, whatever the body (a Graph error body is not a quota).
    return new RateLimitedError(retryAfter, "retry-after", { status, detail: "quota" });
  }
  const usage = parseAppUsage(getHeader(response.headers, "x-app-usage"));
  if (usage !== undefined && usage >= (options.appUsageThreshold ?? 95)) {
    return new RateLimitedError(retryAfter ?? defaultWait, "app-usage", { status, detail: `x-app-usage at ${usage} %` });
  }
  return undefined;
}
