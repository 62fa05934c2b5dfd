/** Which redirect URIs the demo apps accept. */
export interface RedirectPolicy {
  /** Registered callbacks, compared exactly. The first is the default when `/connect` names none. */
  readonly registered: readonly string[];
  /** Accept any `http://127.0.0.1:<port>/<path>` / `http://localhost:…` / `http://[::1]:…` URI (RFC 8252 §7.3). */
  readonly allowLoopback: boolean;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether `uri` may receive codes or tokens. */
export function isAllowedRedirect(uri: string, policy: RedirectPolicy): boolean {
  if (policy.registered.includes(uri)) return true;
  if (!policy.allowLoopback) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && url.hash === "" && url.username === "" && url.password === "";
}
