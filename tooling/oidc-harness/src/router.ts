import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import type Provider from "oidc-provider";

import { CLIENT_AUTH_PATHS, enforceClientAuthMethod } from "./client_auth.ts";
import { finishInteraction } from "./interaction.ts";
import type { HarnessClients } from "./options.ts";
import { serveCallback, serveResource } from "./routes.ts";

/** What the router needs to know. */
export interface RouteContext {
  readonly provider: Provider;
  readonly accountId: string;
  readonly clients: HarnessClients;
  readonly strictClientAuth: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function dispatch(context: RouteContext, callback: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://harness.invalid").pathname;
  if (req.method === "GET" && path.startsWith("/interaction/")) {
    return finishInteraction(context.provider, req, res, context.accountId);
  }
  if (req.method === "GET" && path === "/callback") {
    serveCallback(req, res);
    return Promise.resolve();
  }
  if (path === "/resource") return serveResource(context.provider, req, res);
  if (context.strictClientAuth && req.method === "POST" && CLIENT_AUTH_PATHS.has(path)) {
    return enforceClientAuthMethod(context.clients, req, res).then((checked) =>
      checked === undefined ? undefined : callback(checked, res),
    );
  }
  return callback(req, res);
}

/**
 * The harness's HTTP routes in front of oidc-provider: the auto-finishing interaction, the
 * callback page, the protected resource, and the client-authentication check.
 */
export function route(context: RouteContext): RequestListener {
  const callback: Handler = context.provider.callback();
  return (req, res) => {
    dispatch(context, callback, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`oidc-harness: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}
