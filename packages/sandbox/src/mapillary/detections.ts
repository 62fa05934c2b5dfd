import { DETECTION_FIELDS, detectionsOf } from "../detections.ts";
import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { pick, selectFields } from "./fields.ts";
import { badRequest, unknownObject } from "./graph_error.ts";
import type { GraphHandler } from "./graph_guard.ts";

/**
 * `GET /{image_id}/detections?fields=id,value,created_at` (seed 001's example): the image's
 * object detections as `{"data":[…]}`, each reduced to the asked fields (`id` always). Fields:
 * `id value created_at geometry image`. An unknown image → 400 code 100 subcode 33; an unknown
 * field → 400 code 100, as Graph answers.
 */
export function detectionsHandler(state: SandboxState): GraphHandler {
  return (ctx): SandboxResponse => {
    const id = ctx.params["image_id"] ?? "";
    const img = /^\d+$/.test(id) ? state.dataset.byId(id) : undefined;
    if (img === undefined) return unknownObject(id);
    const selection = selectFields(ctx.url.searchParams.get("fields"), DETECTION_FIELDS);
    if (!selection.ok) return badRequest(`Tried accessing nonexisting field (${selection.unknown}) on node type (Detection)`);
    return json(200, { data: detectionsOf(img).map((detection) => pick(detection, selection.fields)) });
  };
}
