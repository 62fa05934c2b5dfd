import { parseBody } from "../body.ts";
import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { oauthError } from "../oauth_error.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { appUsageHeader } from "./app_usage.ts";
import { badRequest, invalidToken } from "./graph_error.ts";
import { issueMapillaryTokens } from "./issue.ts";

/**
 * `POST /token` (graph host). The client secret comes ONLY in `Authorization: OAuth <secret>`;
 * JSON and form bodies; `client_id` as number or string.
 *
 * Error shapes (both occur in the wild, so the sandbox serves both): a missing or wrong secret
 * → Graph 401 code 190; a malformed request → Graph 400 code 100; a bad, used or expired code,
 * a redirect_uri mismatch or a dead refresh token → RFC 6749 400 `invalid_grant`.
 */
export function mapillaryTokenHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const app = state.credentials.mapillary;
    const usage = appUsageHeader(state, app.clientId);
    const body = parseBody(ctx.headers["content-type"], ctx.rawBody);
    const f = body.fields;
    ctx.audit.grantType = f.get("grant_type") ?? null;
    ctx.audit.clientId = f.get("client_id") ?? null;

    const header = ctx.headers.authorization;
    const secret = header === undefined ? null : (/^OAuth\s+(\S+)\s*$/i.exec(header)?.[1] ?? null);
    if (header !== undefined) {
      ctx.audit.credential = "client-secret";
      ctx.audit.credentialLocation = "header";
      ctx.audit.credentialFingerprint = fingerprint(secret ?? header);
    } else if (f.has("client_secret")) {
      ctx.audit.credential = "client-secret";
      ctx.audit.credentialLocation = "body";
      ctx.audit.credentialFingerprint = fingerprint(f.get("client_secret") ?? "");
    }
    if (body.type !== "json" && body.type !== "form") return badRequest("Invalid request body: send JSON or a form", usage);
    if (secret === null) {
      return invalidToken("Client authentication failed: send Authorization: OAuth <client_secret> (not in the body)", usage);
    }
    const clientId = f.get("client_id");
    if (clientId === undefined) return badRequest("Missing parameter: client_id", usage);
    if (clientId !== app.clientId) return badRequest(`Invalid application ID ${clientId}`, usage);
    if (secret !== app.clientSecret) return invalidToken("Error validating client secret.", usage);

    switch (f.get("grant_type")) {
      case "authorization_code":
        return exchangeCode(state, f, clientId, usage);
      case "refresh_token":
        return refreshGrant(state, f, clientId, usage);
      case undefined:
        return badRequest("Missing parameter: grant_type", usage);
      default:
        return oauthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token", usage);
    }
  };
}

function exchangeCode(state: SandboxState, f: Map<string, string>, clientId: string, usage: Record<string, string>): SandboxResponse {
  const code = f.get("code");
  if (code === undefined) return badRequest("Missing parameter: code", usage);
  const redeemed = state.codes.redeem(code);
  if (!redeemed.ok) return oauthError(400, "invalid_grant", `Authorization code is ${redeemed.reason === "unknown" ? "invalid" : redeemed.reason}`, usage);
  const grant = redeemed.grant;
  if (grant.api !== "mapillary" || grant.clientId !== clientId) return oauthError(400, "invalid_grant", "Authorization code was issued to another client", usage);
  const sent = f.get("redirect_uri");
  const expected = grant.redirectUri ?? (sent === undefined ? undefined : grant.deliveredTo);
  if (sent !== expected) return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request", usage);
  return json(200, issueMapillaryTokens(state, clientId, grant.scopes), usage);
}

/**
 * `grant_type=refresh_token` in the two modes of `mapillaryRefreshTokens`:
 * - off (default, the official API docs): `refresh_token` is the current, still-valid ACCESS token;
 * - on (seed 001): it is the separate refresh token of the last response, single-use, and an
 *   access token is refused.
 */
function refreshGrant(state: SandboxState, f: Map<string, string>, clientId: string, usage: Record<string, string>): SandboxResponse {
  const presented = f.get("refresh_token");
  if (presented === undefined) return badRequest("Missing parameter: refresh_token", usage);
  const separate = state.settings.mapillaryRefreshTokens;
  const found = state.tokens.lookup(presented);
  const record = found.status === "valid" ? found.record : null;
  if (separate && record?.kind === "user") {
    return oauthError(400, "invalid_grant", "refresh_token must be the refresh token of the last token response, not an access token", usage);
  }
  const usable = record !== null && record.api === "mapillary" && record.clientId === clientId && record.kind === (separate ? "refresh" : "user");
  if (!usable) {
    return oauthError(400, "invalid_grant", "The token is invalid, expired or revoked: the user must authorize again", usage);
  }
  if (record.kind === "refresh") record.used = true;
  return json(200, issueMapillaryTokens(state, clientId, record.scopes), usage);
}
