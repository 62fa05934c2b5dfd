import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { retryAfterSeconds } from "../rate_window.ts";
import type { SandboxState } from "../state.ts";
import type { TokenRecord } from "../token_store.ts";
import { v2Error } from "./v2_error.ts";

/** A v2 API handler; `token` is `null` on routes that do not need a user. */
export type V2Handler = (ctx: RequestContext, token: TokenRecord | null) => SandboxResponse;

/**
 * Wraps a v2 API handler: `?client_id=` required on every call (`client_id_invalid` otherwise),
 * `Authorization: Bearer <token>` when `needsUser`, and a per-client limit answering 429.
 */
export function guardV2(state: SandboxState, needsUser: boolean, handler: V2Handler): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const app = state.credentials.mapillaryV2;
    const clientId = ctx.url.searchParams.get("client_id");
    ctx.audit.clientId = clientId;
    const token = bearer(ctx, state);
    if (clientId !== app.clientId) {
      return v2Error(401, "client_id_invalid", "A valid client_id query parameter is required on every request");
    }
    if (needsUser && token === null) return v2Error(401, "unauthorized", "Authorization: Bearer <token> required");
    if (token !== null && !token.ok) return v2Error(401, "unauthorized", token.message);
    const { limit, windowMs } = state.settings.mapillaryV2RateLimit;
    const decision = state.limits.hit(`mapillary-v2:${clientId}`, state.now(), "fixed-window", limit, windowMs);
    if (!decision.allowed) {
      const seconds = retryAfterSeconds(decision.retryAfterMs);
      return v2Error(429, "too_many_requests", `Rate limit exceeded, retry in ${seconds} seconds`, { "retry-after": String(seconds) });
    }
    return handler(ctx, token?.ok === true ? token.record : null);
  };
}

function bearer(
  ctx: RequestContext,
  state: SandboxState,
): { ok: true; record: TokenRecord } | { ok: false; message: string } | null {
  const header = ctx.headers.authorization;
  if (header === undefined) return null;
  ctx.audit.credentialLocation = "header";
  ctx.audit.credential = "unknown";
  const value = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (value === undefined) return { ok: false, message: "Use Authorization: Bearer <token>" };
  ctx.audit.credentialFingerprint = fingerprint(value);
  const found = state.tokens.lookup(value);
  if (found.status === "unknown" || found.record.api !== "mapillary-v2") return { ok: false, message: "Invalid token" };
  ctx.audit.credential = "user-token";
  if (found.status !== "valid") return { ok: false, message: `Token ${found.status}` };
  if (found.record.clientId !== ctx.url.searchParams.get("client_id")) return { ok: false, message: "Token was issued to another client" };
  return { ok: true, record: found.record };
}
