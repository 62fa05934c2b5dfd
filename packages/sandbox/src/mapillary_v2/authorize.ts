import type { ConsentRequest } from "../consent_store.ts";
import type { SandboxResponse } from "../http_types.ts";
import { randomToken } from "../random.ts";
import { redirect, withQuery } from "../respond.ts";
import type { SandboxState } from "../state.ts";

/** The eleven v2 scopes. `mapillary:user` is reserved for Mapillary's own apps. */
export const MAPILLARY_V2_SCOPES: readonly string[] = [
  "mapillary:user",
  "user:read",
  "user:write",
  "user:email",
  "public:write",
  "public:upload",
  "private:read",
  "private:write",
  "private:upload",
  "org:read",
  "org:write",
];

/** Issues a never-expiring v2 user token. */
export function issueV2Token(state: SandboxState, clientId: string, scopes: readonly string[]): string {
  const value = randomToken(32);
  state.tokens.add({ value, api: "mapillary-v2", kind: "user", clientId, scopes, issuedAt: state.now(), expiresAt: null });
  return value;
}

/**
 * Answers a v2 authorization request. Implicit (`response_type=token`) puts the token in the QUERY
 * string, not the fragment: `?token_type=bearer&access_token=…&expires_in=never&state=…`.
 * Code flow: `?code=…&state=…`. Denied: `?error=access_denied&state=…`.
 */
export function mapillaryV2Decision(state: SandboxState, request: ConsentRequest, approved: boolean): SandboxResponse {
  const st = request.state ?? undefined;
  if (!approved) return redirect(withQuery(request.deliverTo, { error: "access_denied", state: st }));
  if (request.responseType === "token") {
    const token = issueV2Token(state, request.clientId, request.scopes);
    return redirect(withQuery(request.deliverTo, { token_type: "bearer", access_token: token, expires_in: "never", state: st }));
  }
  const code = state.codes.issue({
    api: "mapillary-v2",
    clientId: request.clientId,
    scopes: request.scopes,
    redirectUri: request.redirectUri,
    deliveredTo: request.deliverTo,
    expiresAt: state.now() + state.settings.codeLifetimeSeconds * 1000,
  });
  return redirect(withQuery(request.deliverTo, { code, state: st }));
}
