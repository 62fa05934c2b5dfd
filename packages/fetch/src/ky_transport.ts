import { AbortedError, type HttpRequestDescription, type HttpResponseData, type HttpTransport, TransportError, type TransportOptions } from "./_core.ts";
import ky, { type KyInstance, type Options, TimeoutError } from "ky";

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
      const timeout = callOptions.timeoutMs ?? defaultTimeout;
      try {
        // `body: undefined` and `signal: undefined` are what ky and fetch take for "none".
        const response = await instance(request.url, { method: request.method, headers: request.headers, body: request.body, signal: callOptions.signal, timeout } as Options);
        return { status: response.status, headers: response.headers, body: await response.text() };
      } catch (error) {
        if (callOptions.signal?.aborted === true) throw new AbortedError(undefined, { cause: callOptions.signal.reason });
        // ky's TimeoutError holds the request, whose headers carry the client's credentials: never
        // chain it. Other failures (fetch's TypeError) say what failed underneath and hold no secret.
        const timedOut = error instanceof TimeoutError;
        throw new TransportError(`${request.toString()} ${timedOut ? `timed out after ${timeout} ms` : "failed"}; check the network and the endpoint URL`, timedOut ? {} : { cause: error });
      }
    },
  };
}
