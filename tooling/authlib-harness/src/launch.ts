import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

import { followAuthorization } from "./authorize.ts";
import { allClients, makeClients, withCallback } from "./clients.ts";
import { DEFAULT_AUTHLIB_LIFETIMES } from "./options.ts";
import type { AuthlibAuthorizeOptions, AuthlibClients, AuthlibLifetimes, AuthlibServerOptions } from "./options.ts";
import { DEBIAN_PYTHON } from "./python.ts";

/** The Python server; resolved from this file, so it works from `src/` and `dist/` alike. */
const SERVER_SCRIPT = fileURLToPath(new URL("../server/authlib_server.py", import.meta.url));

type ServerProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** A running Authlib server on loopback. */
export interface AuthlibServer {
  /** `http://127.0.0.1:<port>` (the `issuer` of its RFC 8414 metadata). */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** RFC 7009: `POST` `token` (+ `token_type_hint`) with the client's authentication → 200. */
  readonly revocationEndpoint: string;
  /** `<issuer>/.well-known/oauth-authorization-server` (RFC 8414). */
  readonly metadataUrl: string;
  /** The server's own redirect URI (echoes the authorization response as JSON), first on every code client. */
  readonly callbackUrl: string;
  /** `GET` with `Authorization: Bearer <access token>` → 200 `{client_id, sub, scope}` or 401. */
  readonly resourceUrl: string;
  readonly clients: AuthlibClients;
  readonly scopes: readonly string[];
  readonly ttl: AuthlibLifetimes;
  /** The Python process; {@link close} stops it by this pid. */
  readonly pid: number;
  /** Sends an authorization URL through the consent step (approved unless told otherwise) and returns the callback URL. */
  authorize(url: string | URL, options?: AuthlibAuthorizeOptions): Promise<string>;
  /** How many token requests the server has received, by `grant_type` (failed ones too). */
  tokenRequests(): Promise<Readonly<Record<string, number>>>;
  /** How many tokens the revocation endpoint has revoked (unknown tokens and other clients' not counted). */
  revocations(): Promise<number>;
  /** Stops the Python process (SIGTERM by pid) and waits until it has exited. */
  close(): Promise<void>;
}

/** Resolves with the first stdout line; rejects if the process ends or the time runs out first. */
function firstLine(child: ServerProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      child.stdout.off("data", onOut);
      child.off("exit", onExit);
      child.off("error", onError);
      settle();
    };
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString("utf8");
      const end = out.indexOf("\n");
      if (end >= 0) {
        done(() => {
          resolve(out.slice(0, end));
        });
      }
    };
    const onExit = (code: number | null): void => {
      done(() => {
        reject(new Error(`authlib-harness: the server exited (${String(code)}) before listening: ${err.slice(0, 2000)}`));
      });
    };
    const onError = (error: Error): void => {
      done(() => {
        reject(error);
      });
    };
    const timer = setTimeout(() => {
      done(() => {
        reject(new Error(`authlib-harness: the server did not listen within ${timeoutMs} ms: ${err.slice(0, 2000)}`));
      });
    }, timeoutMs);
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    child.stdout.on("data", onOut);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

function stop(child: ServerProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => {
      resolve();
    });
    process.kill(pid, "SIGTERM");
  });
}

/**
 * Starts the Authlib server (`server/authlib_server.py`, Flask + `authlib.integrations.flask_oauth2`,
 * in memory) with Debian's `/usr/bin/python3` on a free loopback port. The configuration, secrets
 * included, goes through the child's stdin (never its command line); the child exits when it is
 * stopped or when its stdin closes, so it cannot outlive this process.
 */
export async function startAuthlibServer(options: AuthlibServerOptions = {}): Promise<AuthlibServer> {
  const host = options.host ?? "127.0.0.1";
  const ttl: AuthlibLifetimes = { ...DEFAULT_AUTHLIB_LIFETIMES, ...options.ttl };
  const scopes = options.scopes ?? ["read", "write", "offline_access"];
  const registered = makeClients(options.redirectUris ?? [], scopes);

  const child = spawn(options.python ?? DEBIAN_PYTHON, [SERVER_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
  const config = { host, port: 0, scopes, ttl, clients: allClients(registered) };
  // A child that dies at once (no Authlib, a wrong interpreter) closes the pipe under this write:
  // that EPIPE is not the story, the exit that firstLine reports (with the child's stderr) is.
  child.stdin.on("error", () => undefined);
  child.stdin.write(`${JSON.stringify(config)}\n`);
  let port: number;
  try {
    port = (JSON.parse(await firstLine(child, options.startTimeoutMs ?? 15_000)) as { port: number }).port;
  } catch (error) {
    await stop(child);
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("authlib-harness: the server has no pid");
  // From here on the server's output is not read; keep the pipes flowing.
  child.stdout.resume();
  child.stderr.pipe(process.stderr);

  const issuer = `http://${host}:${port}`;
  const callbackUrl = `${issuer}/callback`;
  return {
    issuer,
    authorizationEndpoint: `${issuer}/authorize`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/revoke`,
    metadataUrl: `${issuer}/.well-known/oauth-authorization-server`,
    callbackUrl,
    resourceUrl: `${issuer}/resource`,
    clients: withCallback(registered, callbackUrl),
    scopes,
    ttl,
    pid,
    authorize: (url, authorizeOptions) => followAuthorization(url, authorizeOptions),
    tokenRequests: async () => {
      const response = await fetch(`${issuer}/_harness/stats`);
      return ((await response.json()) as { token_requests: Record<string, number> }).token_requests;
    },
    revocations: async () => {
      const response = await fetch(`${issuer}/_harness/stats`);
      return ((await response.json()) as { revocations: number }).revocations;
    },
    close: () => stop(child),
  };
}
