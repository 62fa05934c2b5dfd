import { errorPage } from "./consent_page.ts";
import type { SandboxResponse } from "./http_types.ts";
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
