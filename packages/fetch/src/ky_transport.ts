import {
  AbortedError,
  type Clock,
  ConfigError,
  deadlineSignal,
  DEFAULT_MAX_BODY_BYTES,
  type HttpRequestDescription,
  type HttpResponseData,
  type HttpTransport,
  MlyError,
  readBoundedText,
  systemClock,
  TransportError,
  type TransportOptions,
} from "@mly/auth-core";
import ky, { type KyInstance, type Options } from "ky";

/** Options of {@link createKyTransport}. */
export interface KyTransportOptions {
  /** A ky instance to build on (default: ky's default export). Its retry, redirect and timeout settings are overridden for token calls. */
  ky?: KyInstance;
  /** Default timeout of one whole call — connection, headers and body — in ms (default 30 s). */
  timeoutMs?: number;
  /** The largest response body read, in bytes (default 1 MiB); a larger one is an `InvalidResponseError`. */
  maxBodyBytes?: number;
  /**
   * The clock the timeout runs on.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/**
 * The `HttpTransport` of `@mly/auth-core` on ky, for token-endpoint calls: error statuses are
 * returned (not thrown) so OAuth error bodies reach the core's parsers, redirects are never
 * followed, token POSTs are never retried (codes are single-use), every call honours an
 * `AbortSignal` and ends within its timeout, body included (a server that trickles its body
 * is cut off), and the body is read with a size cap. Network failures and timeouts become
 * `TransportError`, aborts `AbortedError`, an oversized body `InvalidResponseError`.
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
  // The timeout is ours (it covers the body too); ky's would stop at the headers.
  const instance = (options.ky ?? ky).extend({ throwHttpErrors: false, retry: 0, redirect: "manual", timeout: false });
  const defaultTimeout = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clock = options.clock ?? systemClock;
  return {
    async send(request: HttpRequestDescription, callOptions: TransportOptions = {}): Promise<HttpResponseData> {
      const timeout = callOptions.timeoutMs ?? defaultTimeout;
      const headers = checkedHeaders(request);
      const callerSignal = callOptions.signal;
      const deadline = deadlineSignal(timeout, { clock, signal: callerSignal });
      try {
        // `body: undefined` is what ky and fetch take for "none".
        const response = await instance(request.url, { method: request.method, headers, body: request.body, signal: deadline.signal } as Options);
        return { status: response.status, headers: response.headers, body: await readBoundedText(response, { maxBytes }) };
      } catch (error) {
        if (callerSignal?.aborted === true) throw new AbortedError(undefined, { cause: callerSignal.reason });
        if (error instanceof MlyError) throw error;
        // A timeout's abort error says nothing useful. Other failures (fetch's TypeError) say what
        // failed underneath and hold no secret: the headers were checked above.
        throw new TransportError(`${request.toString()} ${deadline.timedOut ? `timed out after ${timeout} ms` : "failed"}; check the network and the endpoint URL`, deadline.timedOut ? {} : { cause: error });
      } finally {
        deadline.clear();
      }
    },
  };
}

/** The request's headers, checked before anything is sent: fetch's own error would quote the bad value (a secret). */
function checkedHeaders(request: HttpRequestDescription): Headers {
  try {
    return new Headers(request.headers);
  } catch {
    throw new ConfigError("Invalid header value; check the client secret");
  }
}
