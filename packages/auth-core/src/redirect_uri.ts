import { ConfigError } from "./errors.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

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
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    // reported below
  }
  if (url === undefined || uri.includes("#") || /^(javascript|data|file|blob|vbscript):$/.test(url.protocol) || (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigError("unsafe redirect URI; use https, loopback http or an app scheme");
  }
  return url;
}
