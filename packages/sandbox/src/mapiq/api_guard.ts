import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import { retryAfterSeconds } from "../rate_window.ts";
import type { SandboxState } from "../state.ts";
import { apimError } from "./apim_error.ts";

/**
 * Wraps a Mapiq API operation: `Authorization: Bearer <token>` (401 otherwise), then the
 * per-client, per-operation limit keyed by method + route template (`mapiqRateLimit`, or the
 * operation's entry in `mapiqRouteLimits`). Over it: 429 with
 * `Retry-After` (whole seconds, the shape's true wait, at least 1) and the APIM message; the
 * header is deliberately NOT exposed to browsers via CORS, as on the real service.
 */
export function guardMapiq(state: SandboxState, handler: (ctx: RequestContext) => SandboxResponse): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const header = ctx.headers.authorization;
    const value = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (header !== undefined) {
      ctx.audit.credentialLocation = "header";
      ctx.audit.credential = "unknown";
      ctx.audit.credentialFingerprint = fingerprint(value ?? header);
    }
    if (value === undefined) return apimError(401, "Unauthorized. Access token is missing or invalid.");
    const found = state.tokens.lookup(value);
    if (found.status === "unknown" || found.record.api !== "mapiq") return apimError(401, "Unauthorized. Access token is missing or invalid.");
    ctx.audit.credential = "app-token";
    ctx.audit.clientId = found.record.clientId;
    if (found.status !== "valid") return apimError(401, "Unauthorized. Access token is missing or invalid.");
    // A deviating operation's limit (seed 003) overrides the documented one, field by field.
    const operation = `${ctx.method} ${ctx.route.slice(API_PREFIX.length)}`;
    const { limit, windowMs, shape } = { ...state.settings.mapiqRateLimit, ...defined(state.settings.mapiqRouteLimits[operation]) };
    const key = `mapiq:${found.record.clientId}:${ctx.method} ${ctx.route}`;
    const decision = state.limits.hit(key, state.now(), shape, limit, windowMs);
    if (!decision.allowed) {
      const seconds = retryAfterSeconds(decision.retryAfterMs);
      return apimError(429, `Rate limit is exceeded. Try again in ${seconds} seconds.`, { "retry-after": String(seconds) });
    }
    return handler(ctx);
  };
}

/** Where the Mapiq API's routes are mounted in the sandbox. */
const API_PREFIX = "/mapiq/api";

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
