/** An opaque paging cursor pointing just past image `id`. */
export function encodeCursor(id: string): string {
  return Buffer.from(`after:${id}`, "utf8").toString("base64url");
}

/** The image id a cursor points past, or `null` if it is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^after:(\d+)$/.exec(text);
  return match?.[1] ?? null;
}
