import { MapiqApiError, MapillaryV2Error, type MlyError } from "./errors.ts";
import type { HttpResponseData } from "./http.ts";
import { detectRateLimit } from "./rate_limit_signal.ts";
import type { Secret } from "./secret.ts";
import { isObject, parseJson, stringField, toNumber } from "./_json.ts";
import { scrub } from "./_scrub.ts";
import { httpError, oauthOrGraphError } from "./_error_core.ts";

/** Options of {@link parseErrorResponse}. */
export interface ParseErrorOptions {
  /** The current time in ms (for `Retry-After` dates). */
  now: number;
  /** Secrets sent with the request; scrubbed from any server text that echoes them. */
  secrets?: readonly Secret[];
  /** The wait to assume for a throttle without a stated wait (default 60 s). */
  defaultWaitMs?: number;
}

/**
 * Turns an error response of any of the three APIs, or of any RFC 6749 token endpoint, into
 * the matching typed error: {@link RateLimitedError} for every throttle shape,
 * {@link OAuthError} for `{"error":"…"}`, {@link GraphApiError} for `{"error":{…}}`,
 * {@link MapiqApiError} for `{"statusCode","message"}`, {@link MapillaryV2Error} for
 * `{"code","message"}`, else {@link HttpError}. Never throws, whatever the input.
 *
 * @example
 * ```ts
 * import { parseErrorResponse } from "@mly/auth-core";
 *
 * const error = parseErrorResponse(
 *   { status: 400, headers: {}, body: '{"error":"invalid_grant"}' },
 *   { now: Date.now() },
 * );
 * error.code; // "oauth_error"
 * ```
 */
export function parseErrorResponse(response: HttpResponseData, options: ParseErrorOptions): MlyError {
  const status = response.status;
  const limited = detectRateLimit(response, options.defaultWaitMs === undefined ? { now: options.now } : { now: options.now, defaultWaitMs: options.defaultWaitMs });
  if (limited !== undefined && status >= 400) return limited;
  const secrets = options.secrets ?? [];
  const body = parseJson(response.body);
  const known = oauthOrGraphError(body, status, secrets);
  if (known !== undefined || !isObject(body)) return known ?? httpError(status);
  const message = stringField(body, "message");
  if (message !== undefined && body["statusCode"] !== undefined) {
    return new MapiqApiError(toNumber(body["statusCode"]), scrub(message, secrets), { status });
  }
  const code = stringField(body, "code");
  if (code !== undefined && message !== undefined) return new MapillaryV2Error(scrub(code, secrets, 100), scrub(message, secrets), { status });
  return httpError(status);
}
