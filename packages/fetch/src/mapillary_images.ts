import { InvalidResponseError } from "@mly/auth-core";
import type { KyInstance } from "ky";

/** A Mapillary v4 image as the Graph API returns it (the fields asked for). */
export interface MapillaryImage {
  /** The image id. */
  id: string;
  /** Other requested fields. */
  [field: string]: unknown;
}

/** Options of {@link iterateImages}. */
export interface IterateImagesOptions {
  /** `[west, south, east, north]` in degrees. */
  bbox: readonly [number, number, number, number];
  /** Fields to fetch (default `id`). */
  fields?: readonly string[];
  /** Images per page (default 100). */
  pageSize?: number;
  /** Stop after this many images. */
  limit?: number;
  /** Cancels the iteration. */
  signal?: AbortSignal;
}

/**
 * Iterates over Mapillary v4 `images` in a bounding box, page by page (cursor paging), through an
 * API client from `createApiClient` — so every page is rate-limited and authenticated.
 *
 * @throws {InvalidResponseError} a page is not the documented `{data, paging}` shape.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 * import { iterateImages } from "@mly/fetch/mapillary";
 *
 * const api = createApiClient({ profile: mapillary, client: { clientId: "1234", clientToken: "MLY|…" }, useClientToken: true });
 * for await (const image of iterateImages(api.ky, { bbox: [13.0, 52.5, 13.1, 52.6], fields: ["id", "captured_at"], limit: 500 })) {
 *   console.log(image.id);
 * }
 * ```
 */
export async function* iterateImages(api: KyInstance, options: IterateImagesOptions): AsyncGenerator<MapillaryImage, void, undefined> {
  const fields = options.fields ?? ["id"];
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 100, 2000));
  let yielded = 0;
  let after: string | undefined;
  for (;;) {
    const searchParams = new URLSearchParams({ bbox: options.bbox.join(","), fields: fields.join(","), limit: String(pageSize) });
    if (after !== undefined) searchParams.set("after", after);
    const page: unknown = await api.get("images", { searchParams, ...(options.signal === undefined ? {} : { signal: options.signal }) }).json();
    const { data, next } = readPage(page);
    for (const image of data) {
      yield image;
      yielded++;
      if (options.limit !== undefined && yielded >= options.limit) return;
    }
    if (next === undefined || data.length === 0) return;
    after = next;
  }
}

/**
 * Fetches one Mapillary v4 entity (an image, a detection, …) with the given fields.
 *
 * @example
 * ```ts
 * import { getEntity } from "@mly/fetch/mapillary";
 * import type { KyInstance } from "ky";
 *
 * declare const api: KyInstance;
 * const image = await getEntity(api, "169979785061521", ["id", "captured_at"]);
 * ```
 */
export async function getEntity(api: KyInstance, id: string, fields: readonly string[] = ["id"]): Promise<Record<string, unknown>> {
  if (!/^[A-Za-z0-9_]+$/.test(id)) throw new TypeError(`not a Mapillary id: ${id}`);
  const body: unknown = await api.get(id, { searchParams: { fields: fields.join(",") } }).json();
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidResponseError(`Mapillary returned no object for ${id}`);
  }
  return body as Record<string, unknown>;
}

function readPage(page: unknown): { data: MapillaryImage[]; next: string | undefined } {
  if (typeof page !== "object" || page === null || !Array.isArray((page as { data?: unknown }).data)) {
    throw new InvalidResponseError("images page without data; check apiBaseUrl");
  }
  const data = (page as { data: unknown[] }).data.filter(
    (item): item is MapillaryImage => typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string",
  );
  const paging = (page as { paging?: { cursors?: { after?: unknown } } }).paging;
  const after = paging?.cursors?.after;
  return { data, next: typeof after === "string" && after !== "" ? after : undefined };
}
