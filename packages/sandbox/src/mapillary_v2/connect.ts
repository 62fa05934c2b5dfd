import { askConsent, checkClientAndRedirect, splitScopes } from "../authorize_common.ts";
import type { ConsentRequest } from "../consent_store.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { redirect, withQuery } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { MAPILLARY_V2_SCOPES, mapillaryV2Decision } from "./authorize.ts";

/** `GET /connect?client_id&redirect_uri&response_type=code|token&scope&state` (legacy v2). */
export function mapillaryV2ConnectHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const q = ctx.url.searchParams;
    const clientId = state.credentials.mapillaryV2.clientId;
    const target = checkClientAndRedirect(state, "Mapillary", clientId, q);
    if (!target.ok) return target.response;
    ctx.audit.clientId = clientId;
    const stateParam = q.get("state");
    const fail = (error: string): SandboxResponse => redirect(withQuery(target.deliverTo, { error, state: stateParam ?? undefined }));
    const responseType = q.get("response_type");
    if (responseType !== "code" && responseType !== "token") return fail("unsupported_response_type");
    const scopes = splitScopes(q.get("scope"));
    if (!scopes.every((s) => MAPILLARY_V2_SCOPES.includes(s)) || scopes.includes("mapillary:user")) return fail("invalid_scope");
    const request: ConsentRequest = {
      api: "mapillary-v2",
      clientId,
      scopes,
      redirectUri: target.sent,
      deliverTo: target.deliverTo,
      state: stateParam,
      responseType,
    };
    return askConsent(state, ctx, request, mapillaryV2Decision);
  };
}
