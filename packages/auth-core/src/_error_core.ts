/**
 * The shared core of the error parsers: throttles that any endpoint may answer (HTTP 429, Graph
 * codes 4/17/613) and the two token-endpoint error bodies (RFC 6749 `{"error":"…"}`, Graph
 * `{"error":{…}}`). `parseTokenResponse` needs only this; `parseErrorResponse` and
 * `detectRateLimit` build the API-response shapes on top of it.
 */
import { GRAPH_THROTTLE_CODES, GraphApiError, HttpError, type MlyError, OAuthError, RateLimitedError } from "./errors.ts";
import type { Secret } from "./secret.ts";
import { isObject, stringField, toNumber } from "./_json.ts";
import { scrub } from "./_scrub.ts";

/**
 * HTTP 429 or a Graph throttle code in an error `body` (parsed JSON of a status ≥ 400), with
 * the wait `retryAfter` when the server gave one, else `defaultWait`.
 */
export function throttleError(status: number, body: unknown, retryAfter: number | undefined, defaultWait: number): RateLimitedError | undefined {
  const error = isObject(body) ? body["error"] : undefined;
  // Graph throttles (codes 4, 17, 613) arrive as 403 on Mapillary, 400 on other Graph APIs.
  const graph = isObject(error) && GRAPH_THROTTLE_CODES.includes(toNumber(error["code"]) ?? 0);
  return status === 429 || graph
    ? new RateLimitedError(retryAfter ?? defaultWait, status !== 429 && retryAfter === undefined ? "graph-code" : "retry-after", { status })
    : undefined;
}

/** `{"error":"…"}` → {@link OAuthError}, `{"error":{…}}` → {@link GraphApiError}, scrubbed of `secrets`; else `undefined`. */
export function oauthOrGraphError(body: unknown, status: number, secrets: readonly Secret[]): MlyError | undefined {
  if (!isObject(body)) return undefined;
  const text = (object: Record<string, unknown>, key: string): string | undefined => {
    const value = stringField(object, key);
    return value === undefined ? undefined : scrub(value, secrets);
  };
  const error = body["error"];
  if (typeof error === "string" && error !== "") {
    return new OAuthError(scrub(error, secrets, 100), { description: text(body, "error_description"), uri: text(body, "error_uri") }, { status });
  }
  return isObject(error)
    ? new GraphApiError(
        {
          message: text(error, "message") ?? "",
          code: toNumber(error["code"]),
          type: text(error, "type"),
          subcode: toNumber(error["error_subcode"]),
          isTransient: error["is_transient"] === true,
          fbtraceId: text(error, "fbtrace_id"),
        },
        { status },
      )
    : undefined;
}

/** An {@link HttpError} for a status whose body follows no known shape. */
export function httpError(status: number): HttpError {
  return new HttpError(status, `HTTP ${status}${status > 299 && status < 400 ? " (redirects not followed)" : ""}; check endpoint URL`);
}
