import { MapiqApiError, MapillaryV2Error, type MlyError } from "./errors.ts";
import type { HttpResponseData } from "./http.ts";
import { detectRateLimit } from "./rate_limit_signal.ts";
import type { Secret } from "./secret.ts";
import { _isObject, _parseJson, _string, _toNumber } from "./_json.ts";
import { _scrub } from "./_scrub.ts";
import { _httpError, _oauthOrGraphError } from "./_error_core.ts";

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
  const body = _parseJson(response.body);
  const known = _oauthOrGraphError(body, status, secrets);
  if (known !== undefined || !_isObject(body)) return known ?? _httpError(status);
  const message = _string(body, "message");
  if (message !== undefined && body["statusCode"] !== undefined) {
    return new MapiqApiError(_toNumber(body["statusCode"]), _scrub(message, secrets), { status });
  }
  const code = _string(body, "code");
  if (code !== undefined && message !== undefined) return new MapillaryV2Error(_scrub(code, secrets, 100), _scrub(message, secrets), { status });
  return _httpError(status);
}
