import type { OAuthClient, PendingAuthorization, ProviderProfile, TokenSet } from "@mly/auth-core";
import { finishLogin, startLogin } from "@mly/fetch";
import { readLine } from "./read_line.ts";

/** Options of {@link pasteLogin}. */
export interface PasteLoginOptions {
  /** The provider. */
  profile: ProviderProfile;
  /** The app. */
  client: OAuthClient;
  /** The app's registered callback URL (HTTPS), where the browser is sent after consent. */
  redirectUri: string;
  /** Scopes to request (default: the profile's). */
  scopes?: readonly string[] | undefined;
  /** Send PKCE S256 (default: the profile's setting). */
  pkce?: boolean | undefined;
  /** Where the pasted answer is read from (stdin). */
  input: NodeJS.ReadableStream;
  /** Shows the authorization URL and says what to paste. */
  onAuthorizationUrl: (url: string) => void | Promise<void>;
  /** Told when a bare code was pasted: no `state` came with it, so it could not be checked. */
  onBareCode?: () => void;
  /** Cancels the login. */
  signal?: AbortSignal;
}

/**
 * The authorization-code flow for a machine without a browser (over SSH, seed 001's "even if
 * the redirect fails … check the URL … code="): the authorization URL goes to the user, who
 * opens it anywhere, consents, and pastes back the URL the browser was redirected to (or just
 * its code). The pasted URL goes through the same checks as the loopback flow's callback
 * (auth-core's `validateCallback` in `finishLogin`: the registered redirect URI, `state` equal
 * and used once, `iss`, an `error` answer) before the code is exchanged.
 *
 * @throws {StateMismatchError} the pasted URL belongs to another login (its `state` differs).
 * @throws {AuthorizationError | InvalidCallbackError} the server refused, or the URL is not this login's callback.
 *
 * @example
 * ```ts
 * import { createClient, mapillary } from "@mly/auth-core";
 * import { pasteLogin } from "./paste_login.ts";
 *
 * const tokens = await pasteLogin({
 *   profile: mapillary,
 *   client: createClient({ clientId: "1234", clientSecret: "MLY|1234|…" }),
 *   redirectUri: "https://app.example/callback",
 *   input: process.stdin,
 *   onAuthorizationUrl: (url) => { console.error(`Open ${url}, then paste the URL you land on:`); },
 * });
 * ```
 */
export async function pasteLogin(options: PasteLoginOptions): Promise<TokenSet> {
  const context = { profile: options.profile, client: options.client };
  const { url, pending } = await startLogin(context, {
    redirectUri: options.redirectUri,
    ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
    ...(options.pkce === undefined ? {} : { pkce: options.pkce }),
  });
  await options.onAuthorizationUrl(url);
  const pasted = await readLine(options.input, { what: "the redirected URL", maxBytes: 8192, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  return finishLogin(context, pending, callbackUrlOf(pasted, pending, options.onBareCode));
}

/**
 * The callback URL to validate for what the user pasted: a whole URL as is; a query
 * (`?code=…&state=…` or `code=…&state=…`) on the redirect URI; a bare code on the redirect URI
 * with the pending `state` (`onBareCode` is told: a bare code carries no state to check).
 *
 * @example
 * ```ts
 * import type { PendingAuthorization } from "@mly/auth-core";
 * import { callbackUrlOf } from "./paste_login.ts";
 *
 * declare const pending: PendingAuthorization;
 * callbackUrlOf("https://app.example/callback?code=abc&state=xyz", pending);
 * ```
 */
export function callbackUrlOf(pasted: string, pending: PendingAuthorization, onBareCode?: () => void): string {
  if (/^[a-z][a-z0-9+.-]*:\/?\//i.test(pasted)) return pasted;
  const query = pasted.startsWith("?") ? pasted.slice(1) : pasted;
  if (/(^|&)(code|error|state)=/.test(query)) return `${pending.redirectUri}${pending.redirectUri.includes("?") ? "&" : "?"}${query}`;
  onBareCode?.();
  const target = new URL(pending.redirectUri);
  target.searchParams.set("code", pasted);
  target.searchParams.set("state", pending.state);
  return target.href;
}
