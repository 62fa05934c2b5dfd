import { parseBody } from "../body.ts";
import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { issueV2Token } from "./authorize.ts";
import { v2Error } from "./v2_error.ts";

/**
 * `POST /v2/oauth/token`: form fields `client_id` (or in the query), `client_secret`,
 * `redirect_uri`, `grant_type=authorization_code`, `code`. Answers
 * `{"access_token","token_type":"bearer"}`: v2 tokens never expire, and RFC 6749 §5.1 says so by
 * leaving `expires_in` out (a `"never"` string breaks strict clients such as openid-client 6).
 * The `expires_in=never` quirk belongs to the implicit flow's query string (`authorize.ts`).
 */
export function mapillaryV2TokenHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const app = state.credentials.mapillaryV2;
    const body = parseBody(ctx.headers["content-type"], ctx.rawBody);
    const f = body.fields;
    ctx.audit.grantType = f.get("grant_type") ?? null;
    const clientId = f.get("client_id") ?? ctx.url.searchParams.get("client_id");
    ctx.audit.clientId = clientId;
    const secret = f.get("client_secret");
    if (secret !== undefined) {
      ctx.audit.credential = "client-secret";
      ctx.audit.credentialLocation = "body";
      ctx.audit.credentialFingerprint = fingerprint(secret);
    }
    if (body.type !== "form" && body.type !== "json") return v2Error(400, "invalid_request", "Send the parameters as a form");
    if (clientId !== app.clientId) return v2Error(401, "client_id_invalid", "The client_id is missing or unknown");
    if (secret !== app.clientSecret) return v2Error(401, "client_secret_invalid", "The client_secret is missing or wrong");
    if (f.get("grant_type") !== "authorization_code") return v2Error(400, "unsupported_grant_type", "grant_type must be authorization_code");
    const code = f.get("code");
    if (code === undefined) return v2Error(400, "invalid_request", "Missing parameter: code");
    const redeemed = state.codes.redeem(code);
    if (!redeemed.ok) return v2Error(400, "invalid_grant", `Authorization code is ${redeemed.reason === "unknown" ? "invalid" : redeemed.reason}`);
    const grant = redeemed.grant;
    if (grant.api !== "mapillary-v2" || grant.clientId !== clientId) return v2Error(400, "invalid_grant", "Authorization code was issued to another client");
    const sent = f.get("redirect_uri");
    const expected = grant.redirectUri ?? (sent === undefined ? undefined : grant.deliveredTo);
    if (sent !== expected) return v2Error(400, "invalid_grant", "redirect_uri does not match the authorization request");
    const token = issueV2Token(state, clientId, grant.scopes);
    return json(200, { access_token: token, token_type: "bearer" });
  };
}
