import { ConfigError } from "./errors.ts";

const _LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Checks a redirect URI against RFC 9700 / RFC 8252: HTTPS, or `http` on a loopback address
 * (native apps), or a private-use scheme (`com.example.app:/callback`); never a fragment.
 *
 * @throws {ConfigError} the URI is not absolute, has a fragment, or uses plain HTTP off loopback.
 *
 * @example
 * ```ts
 * import { checkRedirectUri } from "@mly/auth-core";
 *
 * checkRedirectUri("http://127.0.0.1:8765/callback"); // ok
 * ```
 */
export function checkRedirectUri(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw _badUri("is not absolute");
  }
  if (uri.includes("#")) throw _badUri("has a fragment");
  if (url.protocol === "http:" && !_LOOPBACK_HOSTS.has(url.hostname)) throw _badUri("is plain HTTP off loopback");
  if (/^(javascript|data|file|blob|vbscript):$/.test(url.protocol)) throw _badUri("has a forbidden scheme");
  return url;
}

function _badUri(what: string): ConfigError {
  return new ConfigError(`The redirect URI ${what}: use HTTPS, http://127.0.0.1:<port>/… for a native app, or an app scheme.`);
}
