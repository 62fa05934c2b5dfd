/**
 * The smallest cookie jar that an authorization round trip needs: it keeps `name=value` pairs
 * from `Set-Cookie` headers (honouring deletion by an empty value or a past expiry) and replays
 * them all in a `Cookie` header. Paths and domains are ignored on purpose: one jar serves one
 * flow against one loopback server.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Stores the cookies of a response. */
  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || attributes.some(isExpired)) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  /** The `Cookie` header value to send, or `undefined` when the jar is empty. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The names of the cookies held, for tests. */
  names(): string[] {
    return [...this.#cookies.keys()];
  }
}

function isExpired(attribute: string): boolean {
  const [key = "", value = ""] = attribute.split("=");
  const name = key.trim().toLowerCase();
  if (name === "max-age") return Number(value) <= 0;
  if (name === "expires") return Date.parse(value) <= Date.now();
  return false;
}
