import type { AuthlibAuthorizeOptions } from "./options.ts";

/** Query parameters the server's `/authorize` reads to drive its consent step (see `server/authlib_server.py`). */
export const DECISION_PARAM = "harness_decision";
export const GRANT_SCOPE_PARAM = "harness_grant_scope";
export const USER_PARAM = "harness_user";

/**
 * Sends an authorization URL to the server, which answers the consent step at once (as told by
 * `options`), and returns the redirect it answers with: the client's callback URL with `code`
 * and `state`, or `error`. Throws if the server answers with anything but a redirect (an unknown
 * client or an unregistered `redirect_uri` get an error page, never a redirect).
 */
export async function followAuthorization(url: string | URL, options: AuthlibAuthorizeOptions = {}): Promise<string> {
  const target = new URL(url);
  if (options.deny === true) target.searchParams.set(DECISION_PARAM, "deny");
  if (options.grantScopes !== undefined) target.searchParams.set(GRANT_SCOPE_PARAM, options.grantScopes.join(" "));
  if (options.user !== undefined) target.searchParams.set(USER_PARAM, options.user);
  const response = await fetch(target, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || location === null) {
    const body = await response.text();
    throw new Error(`authorize: expected a redirect, got ${response.status}: ${body.slice(0, 500)}`);
  }
  await response.body?.cancel();
  return new URL(location, target).href;
}
