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
    throw new ConfigError(`The redirect URI ${JSON.stringify(uri)} is not an absolute URL. Use the exact callback URL registered with the app.`);
  }
  if (url.hash !== "" || uri.includes("#")) {
    throw new ConfigError("The redirect URI must not contain a fragment (RFC 6749 §3.1.2). Remove the '#…' part.");
  }
  if (url.protocol === "http:" && !_LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(
      `The redirect URI ${JSON.stringify(uri)} uses plain HTTP on a non-loopback host. Use HTTPS, or http://127.0.0.1:<port>/… for a native app.`,
    );
  }
  if (url.protocol === "javascript:" || url.protocol === "data:" || url.protocol === "file:") {
    throw new ConfigError(`The redirect URI scheme ${url.protocol} is not allowed. Use HTTPS or a loopback URI.`);
  }
  return url;
}
