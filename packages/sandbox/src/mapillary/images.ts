import { IMAGE_FIELDS, inBBox } from "../dataset.ts";
import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { parseBBox } from "./bbox.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { pick, selectFields } from "./fields.ts";
import { badRequest } from "./graph_error.ts";
import type { GraphHandler } from "./graph_guard.ts";
import { THUMB_FIELDS, withThumbUrls } from "./thumbnail.ts";

/** Page size when `limit` is absent, and the largest allowed (as on Mapillary v4). */
export const MAX_IMAGES_LIMIT = 2000;

/**
 * `GET /images?bbox=W,S,E,N&fields=…&limit=…&after=…`: the images inside the box, in id order,
 * paged with `paging.cursors.after` and a `paging.next` URL (absent on the last page).
 */
export function imagesHandler(state: SandboxState): GraphHandler {
  return (ctx): SandboxResponse => {
    const q = ctx.url.searchParams;
    const bbox = parseBBox(q.get("bbox"));
    if (bbox === null) return badRequest("Invalid parameter: bbox must be west,south,east,north");
    const selection = selectFields(q.get("fields"), [...IMAGE_FIELDS, ...THUMB_FIELDS]);
    if (!selection.ok) return badRequest(`Tried accessing nonexisting field (${selection.unknown}) on node type (Image)`);
    const limitParam = q.get("limit");
    const limit = limitParam === null ? MAX_IMAGES_LIMIT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_IMAGES_LIMIT) {
      return badRequest(`Invalid parameter: limit must be an integer from 1 to ${MAX_IMAGES_LIMIT}`);
    }
    const afterParam = q.get("after");
    const afterId = afterParam === null ? null : decodeCursor(afterParam);
    if (afterParam !== null && afterId === null) return badRequest("Invalid parameter: after is not a valid cursor");

    const after = afterId === null ? -1n : BigInt(afterId);
    const page: Record<string, unknown>[] = [];
    let more = false;
    let lastId: string | null = null;
    for (const img of state.dataset.images) {
      if (BigInt(img.id) <= after || !inBBox(img, bbox)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(withThumbUrls(pick(img, selection.fields), img.id, selection.fields, ctx.baseUrl));
      lastId = img.id;
    }
    const firstId = page[0]?.["id"];
    const paging: Record<string, unknown> = {};
    if (lastId !== null && typeof firstId === "string") {
      paging["cursors"] = { before: encodeCursor(firstId), after: encodeCursor(lastId) };
      if (more) {
        const next = new URL(ctx.url.pathname, ctx.baseUrl);
        for (const [k, v] of q) next.searchParams.append(k, v);
        next.searchParams.set("after", encodeCursor(lastId));
        paging["next"] = next.toString();
      }
    }
    return json(200, lastId === null ? { data: page } : { data: page, paging });
  };
}
