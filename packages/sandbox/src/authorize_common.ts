import { consentPage, errorPage } from "./consent_page.ts";
import type { ConsentRequest } from "./consent_store.ts";
import type { RequestContext, SandboxResponse } from "./http_types.ts";
import { isAllowedRedirect } from "./redirect_policy.ts";
import { html } from "./respond.ts";
import type { SandboxState } from "./state.ts";

/** Where an authorization answer may go, or the error page to show instead (never a redirect). */
export type RedirectTarget = { ok: true; sent: string | null; deliverTo: string } | { ok: false; response: SandboxResponse };

/**
 * Validates `client_id` and `redirect_uri` of an authorization request. Failures render an HTML
 * error page: redirecting to an unverified URI would make the server an open redirector.
 */
export function checkClientAndRedirect(
  state: SandboxState,
  serviceName: string,
  expectedClientId: string,
  query: URLSearchParams,
): RedirectTarget {
  const clientId = query.get("client_id");
  if (clientId === null || clientId !== expectedClientId) {
    return { ok: false, response: html(400, errorPage(serviceName, "Invalid client_id: no application is registered with this id.")) };
  }
  const sent = query.get("redirect_uri");
  if (sent !== null) {
    if (!isAllowedRedirect(sent, state.redirects)) {
      return { ok: false, response: html(400, errorPage(serviceName, "Invalid redirect_uri: it does not match the application's callback URL.")) };
    }
    return { ok: true, sent, deliverTo: sent };
  }
  const fallback = state.redirects.registered[0];
  if (fallback === undefined) {
    return { ok: false, response: html(400, errorPage(serviceName, "Missing redirect_uri and the application has no registered callback URL.")) };
  }
  return { ok: true, sent: null, deliverTo: fallback };
}

/** Splits a scope parameter on spaces (and, leniently, commas). */
export function splitScopes(param: string | null): string[] {
  return (param ?? "").split(/[\s,]+/).filter((s) => s !== "");
}

/**
 * The consent step shared by both `/connect` endpoints: with auto-approve the decision at once,
 * else the consent page whose form posts back to the same path.
 */
export function askConsent(
  state: SandboxState,
  ctx: RequestContext,
  request: ConsentRequest,
  decide: (state: SandboxState, request: ConsentRequest, approved: boolean) => SandboxResponse,
): SandboxResponse {
  if (state.settings.autoApprove) return decide(state, request, true);
  return html(
    200,
    consentPage({
      serviceName: "Mapillary",
      appName: state.appName,
      userName: state.user.username,
      scopes: request.scopes.length === 0 ? ["(basic access)"] : request.scopes,
      action: ctx.url.pathname,
      requestId: state.consents.open(request),
    }),
  );
}
