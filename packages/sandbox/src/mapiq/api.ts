import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import { apimError } from "./apim_error.ts";
import { MAPIQ_BUILDINGS, MAPIQ_USERS } from "./data.ts";

/** `GET /v2/buildings`. */
export function listBuildings(): SandboxResponse {
  return json(200, { items: MAPIQ_BUILDINGS, totalCount: MAPIQ_BUILDINGS.length });
}

/** `GET /v2/buildings/{id}`. */
export function getBuilding(ctx: RequestContext): SandboxResponse {
  const building = MAPIQ_BUILDINGS.find((b) => b.id === ctx.params["id"]);
  return building === undefined ? apimError(404, "Building not found.") : json(200, building);
}

/** `GET /v2/users`. */
export function listUsers(): SandboxResponse {
  return json(200, { items: MAPIQ_USERS, totalCount: MAPIQ_USERS.length });
}
