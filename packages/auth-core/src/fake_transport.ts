import { delay } from "./delay.ts";
import type { HttpRequestDescription, HttpResponseData } from "./http.ts";
import type { HttpTransport } from "./ports.ts";

/** How a {@link FakeTransport} answers: from the request and its index (0 for the first). */
export type FakeResponder = (request: HttpRequestDescription, index: number) => HttpResponseData | Promise<HttpResponseData>;

/**
 * An {@link HttpTransport} for tests: answers with `respond`, records every request (the
 * descriptions keep their secrets redacted when printed), and answers a few ms later, as a
 * network would, so concurrent callers really overlap.
 *
 * @example A token endpoint that always grants
 * ```ts
 * import { buildClientCredentials, createClient, mapiq, processTokenResponse } from "@mly/auth-core";
 * import { FakeTransport } from "@mly/auth-core/testing";
 *
 * const transport = new FakeTransport(() => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"access_token":"eyJ","token_type":"Bearer","expires_in":3599}' }));
 * const call = buildClientCredentials(mapiq, createClient({ clientId: "id", clientSecret: "secret" }));
 * const tokens = processTokenResponse(call, await transport.send(call.request), Date.now());
 * transport.requests.length; // 1
 * ```
 */
export class FakeTransport implements HttpTransport {
  /** Every request sent, in order. */
  readonly requests: HttpRequestDescription[] = [];
  readonly #respond: FakeResponder;

  /** Creates a transport answering with `respond`. */
  constructor(respond: FakeResponder) {
    this.#respond = respond;
  }

  /** Records `request` and answers it after a few ms. */
  async send(request: HttpRequestDescription): Promise<HttpResponseData> {
    this.requests.push(request);
    await delay(5);
    return this.#respond(request, this.requests.length - 1);
  }
}
