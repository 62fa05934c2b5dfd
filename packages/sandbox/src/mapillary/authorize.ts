import type { ConsentRequest } from "../consent_store.ts";
import type { SandboxResponse } from "../http_types.ts";
import { redirect, withQuery } from "../respond.ts";
import type { SandboxState } from "../state.ts";

/** The v4 scopes; the demo app is registered with all three. */
export const MAPILLARY_SCOPES: readonly string[] = ["read", "write", "upload"];

/**
 * Answers a v4 authorization request: approved → `?code=…&state=…`, denied →
 * `?error=user_denied&state=…`. No `iss` parameter (Mapillary does not send one).
 */
export function mapillaryDecision(state: SandboxState, request: ConsentRequest, approved: boolean): SandboxResponse {
  if (!approved) return redirect(withQuery(request.deliverTo, { error: "user_denied", state: request.state ?? undefined }));
  const code = state.codes.issue({
    api: "mapillary",
    clientId: request.clientId,
    scopes: request.scopes,
    redirectUri: request.redirectUri,
    deliveredTo: request.deliverTo,
    expiresAt: state.now() + state.settings.codeLifetimeSeconds * 1000,
  });
  return redirect(withQuery(request.deliverTo, { code, state: request.state ?? undefined }));
}
