import { AbortedError, type HttpRequestDescription, type HttpResponseData, type HttpTransport, TransportError, type TransportOptions } from "@mly/auth-core";
import ky, { type KyInstance, TimeoutError } from "ky";

/** Options of {@link createKyTransport}. */
export interface KyTransportOptions {
  /** A ky instance to build on (default: ky's default export). Its retry and redirect settings are overridden for token calls. */
  ky?: KyInstance;
  /** Default timeout of one call in ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * The `HttpTransport` of `@mly/auth-core` on ky, for token-endpoint calls: error statuses are
 * returned (not thrown) so OAuth error bodies reach the core's parsers, redirects are never
 * followed, token POSTs are never retried (codes are single-use), every call has a timeout and
 * honours an `AbortSignal`. Network failures become `TransportError`, aborts `AbortedError`.
 *
 * @example
 * ```ts
 * import { buildClientCredentials, createClient, mapiq, processTokenResponse } from "@mly/auth-core";
 * import { createKyTransport } from "@mly/fetch";
 *
 * const transport = createKyTransport({ timeoutMs: 10_000 });
 * const call = buildClientCredentials(mapiq, createClient({ clientId: "id", clientSecret: "secret" }));
 * const tokens = processTokenResponse(call, await transport.send(call.request), Date.now());
 * ```
 */
export function createKyTransport(options: KyTransportOptions = {}): HttpTransport {
  const instance = (options.ky ?? ky).extend({ throwHttpErrors: false, retry: 0, redirect: "manual" });
  const defaultTimeout = options.timeoutMs ?? 30_000;
  return {
    async send(request: HttpRequestDescription, callOptions: TransportOptions = {}): Promise<HttpResponseData> {
      try {
        const response = await instance(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
          timeout: callOptions.timeoutMs ?? defaultTimeout,
        });
        return { status: response.status, headers: response.headers, body: await response.text() };
      } catch (error) {
        if (callOptions.signal?.aborted === true) throw new AbortedError(undefined, { cause: callOptions.signal.reason });
        if (error instanceof TimeoutError) {
          throw new TransportError(`${request.toString()} timed out after ${callOptions.timeoutMs ?? defaultTimeout} ms. Check the network or raise timeoutMs.`);
        }
        throw new TransportError(`${request.toString()} failed before a response arrived (${_reason(error)}). Check the network and the endpoint URL.`, {
          cause: error,
        });
      }
    },
  };
}

function _reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.name}${cause}`;
  }
  return "unknown error";
}
