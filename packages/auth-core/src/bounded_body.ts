import { InvalidResponseError } from "./errors.ts";

/** What a token-endpoint body may weigh by default: 1 MiB (a token response is a few hundred bytes). */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Options of {@link readBoundedText}. */
export interface BoundedReadOptions {
  /** Read at most this many bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBytes?: number;
  /** Past `maxBytes`: `"throw"` an `InvalidResponseError` (default) or return the first `maxBytes` (`"truncate"`). */
  overflow?: "throw" | "truncate";
}

/**
 * Reads a response body as UTF-8 text, never more than `maxBytes` of it: the stream is read
 * chunk by chunk and cancelled as soon as the limit is passed, so a huge or endless body is
 * never buffered. Past the limit it throws an `InvalidResponseError` (or, with
 * `overflow: "truncate"`, returns what fits, for callers that only inspect a prefix).
 *
 * @throws {InvalidResponseError} the body is larger than `maxBytes` (and `overflow` is `"throw"`).
 *
 * @example
 * ```ts
 * import { readBoundedText } from "@mly/auth-core";
 *
 * const text = await readBoundedText(new Response('{"access_token":"…"}'), { maxBytes: 1024 });
 * ```
 */
export async function readBoundedText(response: Response, options: BoundedReadOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const body = response.body;
  if (body === null) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop the transfer now. Not awaited: cancelling one branch of a tee'd body (`response.clone()`)
      // settles only once the other branch is cancelled too. A failing cancel changes nothing.
      reader.cancel().catch(() => undefined);
      if (options.overflow === "truncate") return text + decoder.decode(value.subarray(0, value.byteLength - (total - maxBytes)));
      throw new InvalidResponseError(`response body larger than ${maxBytes} bytes; check the endpoint URL, or raise maxBodyBytes`, { status: response.status });
    }
    text += decoder.decode(value, { stream: true });
  }
}
