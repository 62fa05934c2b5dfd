/**
 * The shared core of the error parsers: throttles that any endpoint may answer (HTTP 429, Graph
 * codes 4/17/613) and the two token-endpoint error bodies (RFC 6749 `{"error":"…"}`, Graph
 * `{"error":{…}}`). `parseTokenResponse` needs only this; `parseErrorResponse` and
 * `detectRateLimit` build the API-response shapes on top of it.
 */
import { GRAPH_THROTTLE_CODES, GraphApiError, HttpError, type MlyError, OAuthError, RateLimitedError } from "./errors.ts";
import type { Secret } from "./secret.ts";
import { _isObject, _string, _toNumber } from "./_json.ts";
import { _scrub } from "./_scrub.ts";

/**
 * HTTP 429 or a Graph throttle code in an error `body` (parsed JSON of a status ≥ 400), with
 * the wait `retryAfter` when the server gave one, else `defaultWait`.
 */
export function _throttle(status: number, body: unknown, retryAfter: number | undefined, defaultWait: number): RateLimitedError | undefined {
  const error = _isObject(body) ? body["error"] : undefined;
  // Graph throttles (codes 4, 17, 613) arrive as 403 on Mapillary, 400 on other Graph APIs.
  const graph = _isObject(error) && GRAPH_THROTTLE_CODES.includes(_toNumber(error["code"]) ?? 0);
  return status === 429 || graph
    ? new RateLimitedError(retryAfter ?? defaultWait, status !== 429 && retryAfter === undefined ? "graph-code" : "retry-after", { status })
    : undefined;
}

/** `{"error":"…"}` → {@link OAuthError}, `{"error":{…}}` → {@link GraphApiError}, scrubbed of `secrets`; else `undefined`. */
export function _oauthOrGraphError(body: unknown, status: number, secrets: readonly Secret[]): MlyError | undefined {
  if (!_isObject(body)) return undefined;
  const text = (object: Record<string, unknown>, key: string): string | undefined => {
    const value = _string(object, key);
    return value === undefined ? undefined : _scrub(value, secrets);
  };
  const error = body["error"];
  if (typeof error === "string" && error !== "") {
    return new OAuthError(_scrub(error, secrets, 100), { description: text(body, "error_description"), uri: text(body, "error_uri") }, { status });
  }
  return _isObject(error)
    ? new GraphApiError(
        {
          message: text(error, "message") ?? "",
          code: _toNumber(error["code"]),
          type: text(error, "type"),
          subcode: _toNumber(error["error_subcode"]),
          isTransient: error["is_transient"] === true,
          fbtraceId: text(error, "fbtrace_id"),
        },
        { status },
      )
    : undefined;
}

/** An {@link HttpError} for a status whose body follows no known shape. */
export function _httpError(status: number): HttpError {
  return new HttpError(status, `HTTP ${status}${status > 299 && status < 400 ? " (redirects not followed)" : ""}; check endpoint URL`);
}
