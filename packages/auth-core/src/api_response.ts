import type { RateLimitedError } from "./errors.ts";
import type { HttpResponseData } from "./http.ts";
import type { ProviderProfile } from "./profile.ts";
import { detectRateLimit } from "./rate_limit_signal.ts";
import { isObject, parseJson, toNumber } from "./_json.ts";

/**
 * What an API answer means for the caller of {@link classifyApiResponse}:
 * - `ok`: use the response; `slowDown`, when set, asks to pause the keys first (`x-app-usage`
 *   over the threshold on a successful answer);
 * - `token_rejected`: the token sent was refused (HTTP 401, or Graph error code 190): renew it
 *   once and replay, or log in again;
 * - `throttled`: the server said "slow down" (429, Graph 4/17/613, an APIM quota, …): pause the
 *   keys for `error.retryAfterMs`, then retry or throw `error`;
 * - `failed`: any other error status: the response is the caller's to read.
 */
export type ApiResponseVerdict =
  | { readonly kind: "ok"; readonly slowDown: RateLimitedError | undefined }
  | { readonly kind: "token_rejected" }
  | { readonly kind: "throttled"; readonly error: RateLimitedError }
  | { readonly kind: "failed" };

/** Options of {@link classifyApiResponse}. */
export interface ClassifyApiResponseOptions {
  /** The current time in ms (to read an HTTP-date `Retry-After`). */
  now: number;
  /** Whether the request carried a user or app token (a 401 to a request without one is not a rejected token). */
  tokenSent: boolean;
  /**
   * `x-app-usage` percentage from which to slow down.
   *
   * @default {95}
   */
  appUsageThreshold?: number;
}

/**
 * Whether the body of an answer with `status` matters to {@link classifyApiResponse}: read (a
 * few KiB of) it for these statuses only, and pass an empty body otherwise.
 *
 * @example Read the body only when it can change the verdict
 * ```ts
 * import { responseBodyMatters } from "@mly/auth-core";
 *
 * responseBodyMatters(403); // true: a Graph throttle or a rejected token says so in the body
 * responseBodyMatters(200); // false
 * ```
 */
export function responseBodyMatters(status: number): boolean {
  return status === 400 || status === 401 || status === 403 || status === 429;
}

/**
 * The one place that decides what an API response means: ok, token rejected, throttled (with
 * the wait), or failed. Sans-I/O: pass the status, the headers and the body (or a bounded prefix
 * of it: a few KiB suffice, see {@link responseBodyMatters}). Driven by the profile's error
 * shape: only a Graph API (`errorShape: "graph"`) rejects a token with code 190 in a 400/403 body.
 * A throttle wins over a rejected token. Never throws.
 *
 * @example A Graph throttle on Mapillary
 * ```ts
 * import { classifyApiResponse, mapillary } from "@mly/auth-core";
 *
 * const verdict = classifyApiResponse(
 *   mapillary,
 *   { status: 403, headers: {}, body: '{"error":{"code":4,"message":"Application request limit reached"}}' },
 *   { now: Date.now(), tokenSent: true },
 * );
 * verdict.kind; // "throttled"
 * ```
 */
export function classifyApiResponse(profile: ProviderProfile, response: HttpResponseData, options: ClassifyApiResponseOptions): ApiResponseVerdict {
  const limited = detectRateLimit(response, { now: options.now, ...(options.appUsageThreshold === undefined ? {} : { appUsageThreshold: options.appUsageThreshold }) });
  const ok = response.status >= 200 && response.status < 300;
  if (limited !== undefined) return ok ? { kind: "ok", slowDown: limited } : { kind: "throttled", error: limited };
  if (ok) return { kind: "ok", slowDown: undefined };
  if (options.tokenSent && rejectsToken(profile, response)) return { kind: "token_rejected" };
  return { kind: "failed" };
}

/** HTTP 401, or (Graph APIs) error code 190 in a 400/403 body. */
function rejectsToken(profile: ProviderProfile, response: HttpResponseData): boolean {
  if (response.status === 401) return true;
  if (profile.errorShape !== "graph" || (response.status !== 400 && response.status !== 403)) return false;
  const body = parseJson(response.body);
  const error = isObject(body) ? body["error"] : undefined;
  return isObject(error) && toNumber(error["code"]) === 190;
}
