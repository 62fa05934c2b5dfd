import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import type { SandboxState } from "../state.ts";
import type { TokenRecord } from "../token_store.ts";
import { appUsageHeader, chargeBudget } from "./app_usage.ts";
import { graphError, invalidToken } from "./graph_error.ts";

/** A graph handler that runs once the caller is authenticated and within budget. */
export type GraphHandler = (ctx: RequestContext, token: TokenRecord) => SandboxResponse;

/**
 * Wraps a graph entity handler: takes the token from `Authorization: OAuth <token>` or
 * `?access_token=` (user tokens and the client token both work), answers 190 / 401 for a
 * missing, unknown, expired or revoked one, 403 code 4 past the app budget, and adds
 * `x-app-usage` to every response.
 */
export function guardGraph(state: SandboxState, handler: GraphHandler): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const appId = state.credentials.mapillary.clientId;
    const result = authenticateGraph(ctx, state);
    if (!result.ok) return withUsage(result.response, state, appId);
    if (!chargeBudget(state, result.token.clientId)) {
      return graphError(
        { status: 403, code: 4, message: "Application request limit reached", isTransient: true },
        appUsageHeader(state, appId),
      );
    }
    return withUsage(handler(ctx, result.token), state, result.token.clientId);
  };
}

/** Authenticates a graph call, noting the credential kind and location in the audit. */
export function authenticateGraph(
  ctx: RequestContext,
  state: SandboxState,
): { ok: true; token: TokenRecord } | { ok: false; response: SandboxResponse } {
  const header = ctx.headers.authorization;
  let value: string | null = null;
  if (header !== undefined) {
    const match = /^OAuth\s+(\S+)\s*$/i.exec(header);
    ctx.audit.credentialLocation = "header";
    if (match?.[1] === undefined) {
      ctx.audit.credential = "unknown";
      return { ok: false, response: invalidToken("Invalid OAuth access token: use the Authorization: OAuth <token> scheme.") };
    }
    value = match[1];
  } else {
    value = ctx.url.searchParams.get("access_token");
    if (value !== null) ctx.audit.credentialLocation = "url";
  }
  if (value === null || value === "") {
    return { ok: false, response: invalidToken("An access token is required to request this resource.") };
  }
  ctx.audit.credentialFingerprint = fingerprint(value);
  const found = state.tokens.lookup(value);
  if (found.status === "unknown" || found.record.api !== "mapillary" || found.record.kind === "refresh") {
    ctx.audit.credential = "unknown";
    return { ok: false, response: invalidToken("Invalid OAuth access token - Cannot parse access token") };
  }
  ctx.audit.credential = found.record.kind === "client" ? "client-token" : "user-token";
  ctx.audit.clientId = found.record.clientId;
  if (found.status === "expired") {
    return { ok: false, response: graphError({ status: 401, code: 190, subcode: 463, message: "Error validating access token: Session has expired." }) };
  }
  if (found.status === "revoked") {
    return { ok: false, response: graphError({ status: 401, code: 190, subcode: 460, message: "Error validating access token: The session has been invalidated." }) };
  }
  return { ok: true, token: found.record };
}

function withUsage(response: SandboxResponse, state: SandboxState, clientId: string): SandboxResponse {
  Object.assign(response.headers, appUsageHeader(state, clientId));
  return response;
}
