import { readBoundedText } from "./bounded_body.ts";
import { defineInspect } from "./_inspect.ts";
import { REDACTED, type Secret } from "./secret.ts";

/** HTTP methods mly sends. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

/**
 * A request to send, described as data: what a sans-I/O step returns and an
 * {@link HttpTransport} sends. It redacts itself when printed: its headers and body may hold a
 * client secret, a code or a token.
 */
export class HttpRequestDescription {
  /** The HTTP method. */
  declare readonly method: HttpMethod;
  /** The absolute URL. */
  declare readonly url: string;
  /** Header names and values. */
  declare readonly headers: Readonly<Record<string, string>>;
  /** The body, already encoded (JSON or form), if any. */
  declare readonly body: string | undefined;
  /** The secrets this request carries; a response parser scrubs them from any server text. */
  readonly #secrets: readonly Secret[];

  /** Describes a request; `secrets` lists every secret its headers or body contain. */
  constructor(init: {
    method: HttpMethod;
    url: string;
    headers?: Record<string, string>;
    body?: string | undefined;
    secrets?: readonly Secret[];
  }) {
    this.method = init.method;
    this.url = init.url;
    this.headers = Object.freeze({ ...init.headers });
    this.body = init.body;
    this.#secrets = init.secrets ?? [];
    Object.freeze(this);
  }

  /** The secrets this request carries. */
  secrets(): readonly Secret[] {
    return this.#secrets;
  }

  /**
   * A web-standard `Request` for `fetch`, with `redirect: "manual"` (token endpoints must
   * never be followed through a redirect).
   */
  toRequest(init: { signal?: AbortSignal } = {}): Request {
    return new Request(this.url, { method: this.method, headers: this.headers, body: this.body ?? null, redirect: "manual", signal: init.signal ?? null });
  }

  /** A printable form with header values (but public ones) and the body redacted. */
  toJSON(): Record<string, unknown> {
    const headers = { ...this.headers };
    for (const name in headers) if (!/^(content-type|accept|user-agent|content-length)$/i.test(name)) headers[name] = REDACTED;
    return { method: this.method, url: this.url, headers, body: this.body === undefined ? undefined : REDACTED };
  }

  /** `METHOD url` (the URL of a token request holds no secret). */
  toString(): string {
    return `${this.method} ${this.url}`;
  }
}

defineInspect(HttpRequestDescription.prototype, function (this: HttpRequestDescription): string {
  return `HttpRequestDescription ${JSON.stringify(this)}`;
});

/** A received response, as the sans-I/O validators read it. */
export interface HttpResponseData {
  /** The HTTP status code. */
  status: number;
  /** The response headers. */
  headers: Headers | Readonly<Record<string, string>>;
  /** The body as text (empty string when there was none). */
  body: string;
}

/** Reads a header case-insensitively from a `Headers` or a plain record. */
export function getHeader(headers: HttpResponseData["headers"], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * Reads a `fetch` `Response` into {@link HttpResponseData}, its body bounded by `maxBytes`
 * (default 1 MiB, see `readBoundedText`).
 *
 * @throws {InvalidResponseError} the body is larger than `maxBytes`.
 */
export async function readResponse(response: Response, options: { maxBytes?: number } = {}): Promise<HttpResponseData> {
  return { status: response.status, headers: response.headers, body: await readBoundedText(response, options) };
}
