import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import type { V2Handler } from "./api_guard.ts";
import { v2Error } from "./v2_error.ts";

/** `GET /v2/status`: the service status (client_id only). */
export function v2StatusHandler(state: SandboxState): V2Handler {
  return (): SandboxResponse => json(200, { status: "ok", time: new Date(state.now()).toISOString() });
}

/** `GET /v2/me`: the token's user; `email` only with the `user:email` scope. */
export function v2MeHandler(state: SandboxState): V2Handler {
  return (_ctx, token): SandboxResponse => {
    if (token === null) return v2Error(401, "unauthorized", "Authorization: Bearer <token> required");
    const me: Record<string, unknown> = {
      key: state.user.id,
      username: state.user.username,
      avatar: null,
      created_at: "2021-01-01T00:00:00.000Z",
    };
    if (token.scopes.includes("user:email")) me["email"] = state.user.email;
    return json(200, me);
  };
}
