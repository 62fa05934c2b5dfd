import { CookieJar } from "./cookie_jar.ts";
import { ACCOUNT_PARAM, DECISION_PARAM } from "./interaction.ts";
import type { AuthorizeOptions } from "./options.ts";

const MAX_HOPS = 10;

/** What {@link followAuthorization} needs to know about the server it drives. */
export interface AuthorizeTarget {
  readonly issuer: string;
  /** Registered redirect URIs: reaching one of them ends the walk. */
  readonly redirectUris: readonly string[];
}

function isCallback(location: URL, redirectUris: readonly string[]): boolean {
  const bare = `${location.origin}${location.pathname}`;
  return redirectUris.some((uri) => {
    const registered = new URL(uri);
    return `${registered.origin}${registered.pathname}` === bare;
  });
}

/**
 * Walks an authorization URL the way a browser would, with plain `fetch`, manual redirects and
 * one fresh cookie jar: authorization endpoint → interaction (completed on the spot) → resume →
 * the client's redirect URI. Returns that final callback URL (with `code`, `state`, `iss`, or
 * `error`) without requesting it. Throws if the server answers with a page instead of a
 * redirect (e.g. an unknown client or an unregistered `redirect_uri`).
 */
export async function followAuthorization(
  target: AuthorizeTarget,
  url: string | URL,
  options: AuthorizeOptions = {},
): Promise<string> {
  const jar = new CookieJar();
  let next = new URL(url);
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    if (isCallback(next, target.redirectUris)) return next.href;
    if (next.origin !== new URL(target.issuer).origin) {
      throw new Error(`authorize: redirected away from the server, to ${next.href}`);
    }
    if (next.pathname.startsWith("/interaction/")) {
      if (options.accountId !== undefined) next.searchParams.set(ACCOUNT_PARAM, options.accountId);
      if (options.deny === true) next.searchParams.set(DECISION_PARAM, "deny");
    }
    const cookie = jar.header();
    const response = await fetch(next, {
      redirect: "manual",
      headers: cookie === undefined ? {} : { cookie },
    });
    jar.store(response.headers);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) {
      const body = await response.text();
      throw new Error(`authorize: expected a redirect from ${next.pathname}, got ${response.status}: ${body.slice(0, 500)}`);
    }
    await response.body?.cancel();
    next = new URL(location, next);
  }
  throw new Error(`authorize: more than ${MAX_HOPS} redirects`);
}
