import { IMAGE_FIELDS } from "../dataset.ts";
import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { pick, selectFields } from "./fields.ts";
import { badRequest, unknownObject } from "./graph_error.ts";
import { THUMB_FIELDS, withThumbUrls } from "./thumbnail.ts";
import type { GraphHandler } from "./graph_guard.ts";

/** `GET /{image_id}?fields=…`: one image entity. */
export function imageHandler(state: SandboxState): GraphHandler {
  return (ctx): SandboxResponse => {
    const id = ctx.params["image_id"] ?? "";
    const img = /^\d+$/.test(id) ? state.dataset.byId(id) : undefined;
    if (img === undefined) return unknownObject(id);
    const selection = selectFields(ctx.url.searchParams.get("fields"), [...IMAGE_FIELDS, ...THUMB_FIELDS]);
    if (!selection.ok) return badRequest(`Tried accessing nonexisting field (${selection.unknown}) on node type (Image)`);
    return json(200, withThumbUrls(pick(img, selection.fields), img.id, selection.fields, ctx.baseUrl));
  };
}
