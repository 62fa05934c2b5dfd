import { askConsent, checkClientAndRedirect, splitScopes } from "../authorize_common.ts";
import type { ConsentRequest } from "../consent_store.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { redirect, withQuery } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { MAPILLARY_SCOPES, mapillaryDecision } from "./authorize.ts";

/**
 * `GET /connect?client_id&redirect_uri&response_type=code&scope&state`: the consent page (or an
 * immediate answer with auto-approve). `code_challenge` is accepted and ignored: Mapillary
 * documents no PKCE.
 *
 * Only `client_id` is required: the dashboard's "Authentication URL" (seed 001) is
 * `/connect?client_id=…` alone, answered on the app's registered callback with `?code=…`.
 * `state` is optional (RFC 6749 §4.1.1): echoed when sent, left out of the callback when not.
 */
export function mapillaryConnectHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const q = ctx.url.searchParams;
    const target = checkClientAndRedirect(state, "Mapillary", state.credentials.mapillary.clientId, q);
    if (!target.ok) return target.response;
    ctx.audit.clientId = state.credentials.mapillary.clientId;
    const sentState = q.get("state");
    const stateParam = sentState === "" ? null : sentState; // `state=` (empty) is no state
    const fail = (error: string): SandboxResponse => redirect(withQuery(target.deliverTo, { error, state: stateParam ?? undefined }));
    const responseType = q.get("response_type");
    if (responseType !== null && responseType !== "code") return fail("invalid_request");
    const scopes = splitScopes(q.get("scope"));
    if (scopes.length === 0) scopes.push("read");
    if (!scopes.every((s) => MAPILLARY_SCOPES.includes(s))) return fail("invalid_scope");
    const request: ConsentRequest = {
      api: "mapillary",
      clientId: state.credentials.mapillary.clientId,
      scopes,
      redirectUri: target.sent,
      deliverTo: target.deliverTo,
      state: stateParam,
      responseType: "code",
    };
    return askConsent(state, ctx, request, mapillaryDecision);
  };
}
