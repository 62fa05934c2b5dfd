import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import { apimError } from "./apim_error.ts";
import { MAPIQ_BUILDINGS, MAPIQ_USERS, mapiqReport } from "./data.ts";

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

/** `GET /v2/reports/{id}`: the occupancy report of a building (an operation with its own, lower limit: `mapiqRouteLimits`). */
export function getReport(ctx: RequestContext): SandboxResponse {
  const report = mapiqReport(ctx.params["id"] ?? "");
  return report === undefined ? apimError(404, "Report not found.") : json(200, report);
}
