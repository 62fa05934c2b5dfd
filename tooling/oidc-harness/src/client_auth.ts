import { IncomingMessage } from "node:http";
import type { ServerResponse } from "node:http";

import { allClients } from "./clients.ts";
import type { HarnessClient, HarnessClients } from "./options.ts";

/** Endpoints where clients authenticate. */
export const CLIENT_AUTH_PATHS: ReadonlySet<string> = new Set(["/token", "/token/revocation", "/token/introspection"]);

type Method = HarnessClient["tokenEndpointAuthMethod"];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A fresh request that replays a body already read, for oidc-provider to parse as usual. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method ?? "POST";
  copy.url = req.url ?? "/";
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
}

function usedMethod(hasBasic: boolean, form: URLSearchParams): Method {
  if (hasBasic) return "client_secret_basic";
  return form.has("client_secret") ? "client_secret_post" : "none";
}

/**
 * oidc-provider accepts `client_secret_basic` and `client_secret_post` interchangeably for any
 * client with a secret. The harness is stricter, so that a test proves a client authenticates
 * the way it is registered: before oidc-provider sees the request, a client that uses another
 * method than its `token_endpoint_auth_method` gets `401 invalid_client`. Returns the request to
 * hand on (its body replayed), or `undefined` when the response was already sent.
 */
export async function enforceClientAuthMethod(
  clients: HarnessClients,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<IncomingMessage | undefined> {
  const body = await readBody(req);
  const form = new URLSearchParams(body.toString("utf8"));
  const basicId = basicClientId(req.headers.authorization);
  const clientId = basicId ?? form.get("client_id");
  const client = allClients(clients).find((candidate) => candidate.clientId === clientId);
  const used = usedMethod(basicId !== undefined, form);
  if (client === undefined || client.tokenEndpointAuthMethod === used) return replay(req, body);

  res.writeHead(401, {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...(basicId === undefined ? {} : { "www-authenticate": 'Basic realm="oidc-harness"' }),
  });
  res.end(
    JSON.stringify({
      error: "invalid_client",
      error_description: `client ${client.clientId} is registered for ${client.tokenEndpointAuthMethod} but used ${used}`,
    }),
  );
  return undefined;
}
