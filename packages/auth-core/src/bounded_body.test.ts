import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, readBoundedText } from "./bounded_body.ts";
import { InvalidResponseError } from "./errors.ts";
import { readResponse } from "./http.ts";
import { rejected } from "./_test_util.ts";

/** A body of `chunks` chunks of `size` bytes each (endless when `chunks` is Infinity), counting what was pulled and whether it was cancelled. */
function streamed(size: number, chunks: number): { response: Response; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) controller.close();
      else {
        pulled++;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      }
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { response: new Response(body, { status: 400 }), pulled: () => pulled, cancelled: () => cancelled };
}

describe("readBoundedText", () => {
  it("reads a body up to the limit", async () => {
    expect(await readBoundedText(new Response("héllo"), { maxBytes: 6 })).toBe("héllo");
    expect(await readBoundedText(new Response(null))).toBe("");
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1_048_576);
  });

  it("stops an endless body past the limit with an InvalidResponseError, cancelling the stream", async () => {
    const body = streamed(64 * 1024, Infinity);
    const error = await rejected(readBoundedText(body.response));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).status).toBe(400);
    expect((error as Error).message).toContain("larger than 1048576 bytes");
    expect(body.cancelled()).toBe(true);
    // 1 MiB is 16 chunks of 64 KiB: the 17th passes the limit and nothing more is pulled.
    expect(body.pulled()).toBe(17);
    await expect(readResponse(streamed(1024, Infinity).response, { maxBytes: 4096 })).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("truncates instead when asked, for callers that inspect a prefix", async () => {
    const body = streamed(1000, Infinity);
    expect(await readBoundedText(body.response, { maxBytes: 2500, overflow: "truncate" })).toBe("a".repeat(2500));
    expect(body.cancelled()).toBe(true);
    expect(body.pulled()).toBe(3);
  });

  it("property: the text is the whole body when it fits, else an InvalidResponseError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 300 }), fc.integer({ min: 0, max: 1200 }), async (text, maxBytes) => {
        const size = new TextEncoder().encode(text).byteLength;
        const read = readBoundedText(new Response(text), { maxBytes });
        if (size <= maxBytes) expect(await read).toBe(text);
        else await expect(read).rejects.toBeInstanceOf(InvalidResponseError);
      }),
    );
  });
});
