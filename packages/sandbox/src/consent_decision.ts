import { parseBody } from "./body.ts";
import { errorPage } from "./consent_page.ts";
import type { RequestContext, SandboxResponse } from "./http_types.ts";
import { mapillaryDecision } from "./mapillary/authorize.ts";
import { mapillaryV2Decision } from "./mapillary_v2/authorize.ts";
import { html } from "./respond.ts";
import type { SandboxState } from "./state.ts";

/** `POST /connect` (form `request_id` + `decision=approve|deny`): the consent form's submission. */
export function consentDecisionHandler(
  state: SandboxState,
  api: "mapillary" | "mapillary-v2",
): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const body = parseBody(ctx.headers["content-type"], ctx.rawBody);
    const decision = body.fields.get("decision");
    const id = body.fields.get("request_id");
    if (body.type !== "form" || id === undefined || (decision !== "approve" && decision !== "deny")) {
      return html(400, errorPage("Mapillary", "Malformed consent form submission."));
    }
    const request = state.consents.take(id);
    if (request?.api !== api) {
      return html(400, errorPage("Mapillary", "This authorization request has expired or was already answered. Start again from the app."));
    }
    ctx.audit.clientId = request.clientId;
    const approved = decision === "approve";
    return api === "mapillary" ? mapillaryDecision(state, request, approved) : mapillaryV2Decision(state, request, approved);
  };
}
