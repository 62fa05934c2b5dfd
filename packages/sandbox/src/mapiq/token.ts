import { parseBody } from "../body.ts";
import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";
import type { SandboxState } from "../state.ts";
import { aadError } from "./aad_error.ts";
import { signJwt } from "./jwt.ts";

/** The only scope the Mapiq token endpoint accepts. */
export const MAPIQ_SCOPE = "https://api.mapiq.com/public/.default";

/** The `resource` the tokens are for. */
export const MAPIQ_RESOURCE = "https://api.mapiq.com";

/**
 * `POST /api/public/oauth2/token`: client credentials, form body only (JSON → 400). Numbers
 * come back as JSON STRINGS, like Azure AD v1: `"expires_in":"3599"`, `"expires_on":"<epoch s>"`.
 */
export function mapiqTokenHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const now = state.now();
    const app = state.credentials.mapiq;
    const body = parseBody(ctx.headers["content-type"], ctx.rawBody);
    const f = body.fields;
    ctx.audit.grantType = f.get("grant_type") ?? null;
    ctx.audit.clientId = f.get("client_id") ?? null;
    const secret = f.get("client_secret");
    if (secret !== undefined) {
      ctx.audit.credential = "client-secret";
      ctx.audit.credentialLocation = "body";
      ctx.audit.credentialFingerprint = fingerprint(secret);
    }
    if (body.type !== "form") {
      return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", now);
    }
    const grantType = f.get("grant_type");
    if (grantType === undefined) return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", now);
    if (grantType !== "client_credentials") {
      return aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.", now);
    }
    const clientId = f.get("client_id");
    if (clientId === undefined) return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", now);
    if (clientId !== app.clientId) {
      return aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory.`, now);
    }
    if (secret === undefined) {
      return aadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", now);
    }
    if (secret !== app.clientSecret) {
      return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.", now);
    }
    const scope = f.get("scope");
    if (scope !== MAPIQ_SCOPE) {
      return aadError(400, "invalid_scope", 1002012, `The provided value for scope ${scope ?? "(none)"} is not valid. Use ${MAPIQ_SCOPE}.`, now);
    }
    const lifetime = Math.floor(state.settings.mapiqTokenLifetimeSeconds);
    const nbf = Math.floor(now / 1000);
    const exp = nbf + lifetime;
    const token = signJwt({ aud: MAPIQ_RESOURCE, iss: "https://account.mapiq.com/", iat: nbf, nbf, exp, appid: clientId, roles: ["Public.Read"] });
    state.tokens.add({ value: token, api: "mapiq", kind: "app", clientId, scopes: [MAPIQ_SCOPE], issuedAt: now, expiresAt: exp * 1000 });
    return json(200, {
      token_type: "Bearer",
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(exp),
      not_before: String(nbf),
      resource: MAPIQ_RESOURCE,
      access_token: token,
    });
  };
}
