import { consentDecisionHandler } from "./consent_decision.ts";
import type { Route } from "./http_types.ts";
import { mapillaryConnectHandler } from "./mapillary/connect.ts";
import { guardGraph } from "./mapillary/graph_guard.ts";
import { detectionsHandler } from "./mapillary/detections.ts";
import { imageHandler } from "./mapillary/image.ts";
import { imagesHandler } from "./mapillary/images.ts";
import { meHandler } from "./mapillary/me.ts";
import { thumbnailHandler } from "./mapillary/thumbnail.ts";
import { tileHandler } from "./mapillary/tiles.ts";
import { mapillaryTokenHandler } from "./mapillary/token.ts";
import { v2MeHandler, v2StatusHandler } from "./mapillary_v2/api.ts";
import { guardV2 } from "./mapillary_v2/api_guard.ts";
import { mapillaryV2ConnectHandler } from "./mapillary_v2/connect.ts";
import { mapillaryV2TokenHandler } from "./mapillary_v2/token.ts";
import { getBuilding, getReport, listBuildings, listUsers } from "./mapiq/api.ts";
import { guardMapiq } from "./mapiq/api_guard.ts";
import { mapiqTokenHandler } from "./mapiq/token.ts";
import type { SandboxState } from "./state.ts";

/** The route table. Literal routes come before `{param}` ones with the same shape. */
export function createRoutes(state: SandboxState): Route[] {
  return [
    // Mapillary v4: www (connect), graph, tiles
    { method: "GET", template: "/mapillary/connect", api: "mapillary", handler: mapillaryConnectHandler(state) },
    { method: "POST", template: "/mapillary/connect", api: "mapillary", handler: consentDecisionHandler(state, "mapillary") },
    { method: "POST", template: "/mapillary/graph/token", api: "mapillary", handler: mapillaryTokenHandler(state) },
    { method: "GET", template: "/mapillary/graph/me", api: "mapillary", handler: guardGraph(state, meHandler(state)) },
    { method: "GET", template: "/mapillary/graph/images", api: "mapillary", handler: guardGraph(state, imagesHandler(state)) },
    { method: "GET", template: "/mapillary/graph/{image_id}", api: "mapillary", handler: guardGraph(state, imageHandler(state)) },
    { method: "GET", template: "/mapillary/graph/{image_id}/detections", api: "mapillary", handler: guardGraph(state, detectionsHandler(state)) },
    { method: "GET", template: "/mapillary/tiles/maps/vtp/{layer}/2/{z}/{x}/{y}", api: "mapillary", handler: tileHandler(state) },
    { method: "GET", template: "/mapillary/thumbs/{image_id}", api: "mapillary", handler: thumbnailHandler(state) },
    // Mapillary v2 (legacy): www (connect), a.mapillary.com
    { method: "GET", template: "/mapillary-v2/connect", api: "mapillary-v2", handler: mapillaryV2ConnectHandler(state) },
    { method: "POST", template: "/mapillary-v2/connect", api: "mapillary-v2", handler: consentDecisionHandler(state, "mapillary-v2") },
    { method: "POST", template: "/mapillary-v2/v2/oauth/token", api: "mapillary-v2", handler: mapillaryV2TokenHandler(state) },
    { method: "GET", template: "/mapillary-v2/v2/status", api: "mapillary-v2", handler: guardV2(state, false, v2StatusHandler(state)) },
    { method: "GET", template: "/mapillary-v2/v2/me", api: "mapillary-v2", handler: guardV2(state, true, v2MeHandler(state)) },
    // Mapiq: account (token), api
    { method: "POST", template: "/mapiq/account/api/public/oauth2/token", api: "mapiq", handler: mapiqTokenHandler(state) },
    { method: "GET", template: "/mapiq/api/v2/buildings", api: "mapiq", handler: guardMapiq(state, listBuildings) },
    { method: "GET", template: "/mapiq/api/v2/buildings/{id}", api: "mapiq", handler: guardMapiq(state, getBuilding) },
    { method: "GET", template: "/mapiq/api/v2/users", api: "mapiq", handler: guardMapiq(state, listUsers) },
    { method: "GET", template: "/mapiq/api/v2/reports/{id}", api: "mapiq", handler: guardMapiq(state, getReport) },
  ];
}
