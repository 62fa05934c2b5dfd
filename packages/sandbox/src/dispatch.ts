import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { apiError } from "./api_error.ts";
import type { Fault } from "./fault_types.ts";
import type { FaultRegistry } from "./faults.ts";
import type { RequestAudit, RequestContext, Route, SandboxResponse } from "./http_types.ts";
import { presentedToken } from "./presented_token.ts";
import type { LogEntry, RequestLogWriter } from "./request_log.ts";
import { matchRoute } from "./router.ts";
import type { TokenStore } from "./token_store.ts";

/** What the request pipeline needs. */
export interface DispatchDeps {
  routes: readonly Route[];
  log: RequestLogWriter;
  faults: FaultRegistry;
  tokens: TokenStore;
  now: () => number;
  baseUrl: () => string;
  /** Aborted when the sandbox closes, to cut injected latency short. */
  signal: AbortSignal;
  /** Receives one line per request: method, path (never the query), status, credential kind. */
  logger?: ((line: string) => void) | undefined;
}

const MAX_BODY = 1024 * 1024;

const CORS: Record<string, string> = {
  "access-control-allow-origin": "*",
};

/** The request listener: route, apply faults, run the handler, write, log. */
export function createDispatcher(deps: DispatchDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    dispatch(deps, req, res).catch((err: unknown) => {
      deps.logger?.(`sandbox: internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}

async function dispatch(deps: DispatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = deps.now();
  const startedAt = performance.now();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", deps.baseUrl());
  const rawBody = await readBody(req);
  const match = matchRoute(deps.routes, method, url.pathname);
  const route = match.kind === "found" ? match.route.template : match.kind === "method-not-allowed" ? match.template : null;
  const api = match.kind === "found" ? match.route.api : match.api;
  const audit: RequestAudit = { credential: "none", credentialLocation: null, credentialFingerprint: null, clientId: null, grantType: null };
  const faults = method === "OPTIONS" ? [] : deps.faults.take({ method, path: url.pathname, route, api });
  const finish = (status: number, fault: Fault | undefined): void => {
    const entry = deps.log.record({
      time: start,
      durationMs: Math.round(performance.now() - startedAt),
      method,
      path: url.pathname,
      route,
      api,
      status,
      ...audit,
      fault: fault?.kind ?? null,
    });
    deps.logger?.(logLine(entry));
  };

  for (const f of faults) {
    if (f.kind !== "latency") continue;
    try {
      await sleep(f.ms, undefined, { signal: deps.signal });
    } catch {
      return;
    }
  }
  const tokenFault = faults.find((f) => f.kind === "revoke-token" || f.kind === "expire-token");
  if (tokenFault !== undefined) {
    const token = presentedToken(req.headers, url);
    if (token !== null) {
      if (tokenFault.kind === "revoke-token") deps.tokens.revoke(token.value);
      else deps.tokens.expire(token.value);
    }
  }
  const terminal = faults.find((f) => f.kind === "status" || f.kind === "malformed-json" || f.kind === "reset");
  const applied = terminal ?? tokenFault ?? faults[0];
  if (terminal?.kind === "reset" && terminal.afterHandling !== true) {
    req.socket.destroy();
    finish(0, terminal);
    return;
  }

  let response: SandboxResponse;
  if (terminal?.kind === "status") {
    response = apiError(api, terminal.status, `Injected fault: HTTP ${terminal.status}`);
    if (terminal.body !== undefined) response.body = terminal.body;
    Object.assign(response.headers, terminal.headers);
  } else if (method === "OPTIONS") {
    response = preflight();
  } else if (rawBody === null) {
    response = apiError(api, 413, "Request body too large");
  } else if (match.kind === "found") {
    const ctx: RequestContext = {
      method,
      url,
      route: match.route.template,
      params: match.params,
      headers: req.headers,
      rawBody,
      baseUrl: deps.baseUrl(),
      audit,
    };
    try {
      response = await match.route.handler(ctx);
    } catch (err: unknown) {
      response = apiError(api, 500, `Internal sandbox error: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (match.kind === "method-not-allowed") {
    response = apiError(api, 405, `Method ${method} not allowed`);
    response.headers["allow"] = match.allow.join(", ");
  } else {
    response = apiError(api, 404, "Unknown path");
  }

  if (terminal?.kind === "malformed-json") response = malformedCopy(response);
  if (terminal?.kind === "reset") {
    req.socket.destroy();
    finish(0, terminal);
    return;
  }
  writeResponse(res, response);
  finish(response.status, applied);
}

function preflight(): SandboxResponse {
  return {
    status: 204,
    headers: {
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type",
      "access-control-max-age": "600",
    },
    body: "",
  };
}

function malformedCopy(response: SandboxResponse): SandboxResponse {
  const text = typeof response.body === "string" ? response.body : "";
  const cut = text.length > 2 ? text.slice(0, Math.ceil(text.length / 2)) : '{"';
  return {
    status: response.status,
    headers: { ...response.headers, "content-type": "application/json; charset=utf-8" },
    body: cut,
  };
}

function writeResponse(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  res.writeHead(response.status, { ...CORS, ...response.headers, "content-length": String(body.byteLength) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.byteLength;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(buf);
    }
  } catch {
    return "";
  }
  return tooLarge ? null : Buffer.concat(chunks).toString("utf8");
}

function logLine(e: LogEntry): string {
  const cred = e.credential === "none" ? "" : ` ${e.credential}${e.credentialLocation === null ? "" : `(${e.credentialLocation})`}`;
  const grant = e.grantType === null ? "" : ` grant=${e.grantType}`;
  const fault = e.fault === null ? "" : ` fault=${e.fault}`;
  return `${e.method} ${e.path} ${e.status === 0 ? "RESET" : e.status}${cred}${grant}${fault} ${e.durationMs}ms`;
}
