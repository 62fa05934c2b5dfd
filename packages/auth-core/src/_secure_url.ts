/** Hosts on which plain `http` is acceptable (RFC 8252 §7.3 loopback). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Parses `text` as an absolute `https` URL (or `http` on a loopback host) without a fragment;
 * `undefined` when it is not one. Used for issuers and server metadata endpoints.
 */
export function secureUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (text.includes("#")) return undefined;
  if (url.protocol === "https:") return url;
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) ? url : undefined;
}

/** A server-provided string cut to `max` characters and quoted, for an error message. */
export function quote(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
