import { InvalidResponseError } from "@mly/auth-core";

/**
 * Reads a response body as text, at most `maxBytes` of it: a larger body (announced by
 * `content-length` or found while streaming) is cancelled and refused, so a hostile or broken
 * server cannot make the client buffer without bound.
 */
export async function readBounded(response: Response, maxBytes: number, what: string): Promise<string> {
  const tooLarge = (): InvalidResponseError => new InvalidResponseError(`${what}: the body exceeds ${maxBytes} bytes; refused`, { status: response.status });
  const announced = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
