import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import type { GraphHandler } from "./graph_guard.ts";
import { badRequest } from "./graph_error.ts";
import { pick, selectFields } from "./fields.ts";

/** `GET /me?fields=id,username`: who the user token belongs to. */
export function meHandler(state: SandboxState): GraphHandler {
  return (ctx, token): SandboxResponse => {
    if (token.kind !== "user") {
      return badRequest("An active access token must be used to query information about the current user.");
    }
    const selection = selectFields(ctx.url.searchParams.get("fields"), ["id", "username"]);
    if (!selection.ok) return badRequest(`Tried accessing nonexisting field (${selection.unknown}) on node type (User)`);
    return json(200, pick({ id: state.user.id, username: state.user.username }, selection.fields));
  };
}
