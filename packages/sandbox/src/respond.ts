import type { SandboxResponse } from "./http_types.ts";

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

/** An HTML page. */
export function html(status: number, body: string): SandboxResponse {
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    },
    body,
  };
}

/** A 302 redirect to `location`. */
export function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location, "cache-control": "no-store" }, body: "" };
}

/** `url` with `params` added to its query string (existing parameters kept). */
export function withQuery(url: string, params: Record<string, string | undefined>): string {
  const out = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) out.searchParams.set(key, value);
  return out.toString();
}
