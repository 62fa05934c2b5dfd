import type { IncomingMessage, ServerResponse } from "node:http";

import type Provider from "oidc-provider";

import { inspectToken } from "./tokens.ts";

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * `GET /callback`: where the harness's registered redirect URI lands in a real browser; echoes
 * the authorization response as JSON so a person (or a screenshot) can see it.
 */
export function serveCallback(req: IncomingMessage, res: ServerResponse): void {
  const params = new URL(req.url ?? "/", "http://harness.invalid").searchParams;
  json(res, 200, Object.fromEntries(params));
}

/**
 * `/resource`: a protected resource that accepts a live access token (code flow or client
 * credentials) as `Authorization: Bearer`, and answers 401 with `WWW-Authenticate` otherwise.
 */
export async function serveResource(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const info = match?.[1] === undefined ? undefined : await inspectToken(provider, match[1]);
  if (info === undefined || info.expired || info.kind === "RefreshToken") {
    const error = match === null ? 'Bearer realm="oidc-harness"' : 'Bearer realm="oidc-harness", error="invalid_token"';
    json(res, 401, { error: "invalid_token" }, { "www-authenticate": error });
    return;
  }
  json(res, 200, { client_id: info.clientId, sub: info.accountId ?? null, scope: info.scope ?? "" });
}
