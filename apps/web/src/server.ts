/**
 * Runs the web app on Node: listens, picks the stores (Redis or memory), closes cleanly.
 *
 * @module
 */
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { TokenStore } from "@mly/auth-core";
import type { Hono } from "hono";
import { Redis } from "ioredis";
import { createWebApp } from "./app.ts";
import type { WebAppOptions } from "./web_context.ts";
import { RedisSessionStore } from "./redis_session_store.ts";
import { MemorySessionStore, type SessionStore } from "./session_store.ts";
import { openTokenStore } from "./token_store.ts";

/** Options of {@link startWebServer}: the app's options, where to listen, and where to keep state. */
export interface WebServerOptions extends Omit<WebAppOptions, "baseUrl" | "tokens" | "sessions"> {
  /** Port (default 0: any free port). */
  port?: number;
  /** Address (default 127.0.0.1). */
  host?: string;
  /** The public origin (default `http://<host>:<port>` once listening). */
  baseUrl?: string | undefined;
  /** Redis URL for tokens and sessions; memory when absent. */
  redisUrl?: string | undefined;
  /** Key prefix in Redis (default `mly:web`). */
  redisPrefix?: string;
}

/** A running web server. */
export interface WebServer {
  /** The public origin. */
  readonly url: string;
  /** The token store in use. */
  readonly tokens: TokenStore;
  /** The session store in use. */
  readonly sessions: SessionStore;
  /** `redis` or `memory`. */
  readonly storage: "redis" | "memory";
  /** The Hono app. */
  readonly app: Hono;
  /** Stops listening, closes connections and Redis. */
  close(): Promise<void>;
}

/**
 * Starts the web app.
 *
 * @example
 * ```ts
 * import { mapillaryProfile } from "@mly/auth-core";
 * import { startSandbox } from "@mly/sandbox";
 * import { startWebServer } from "@mly/web";
 *
 * const sandbox = await startSandbox();
 * const web = await startWebServer({
 *   profile: mapillaryProfile(sandbox.endpoints.mapillary),
 *   client: sandbox.credentials.mapillary,
 *   bbox: [-89.45, 43.03, -89.35, 43.11],
 * });
 * console.log(`open ${web.url}`);
 * ```
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { port = 0, host = "127.0.0.1", baseUrl, redisUrl, redisPrefix = "mly:web", ...appOptions } = options;
  let redis: Redis | undefined;
  if (redisUrl !== undefined) {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    await redis.connect();
  }
  const tokens = openTokenStore(redis, redisPrefix);
  const sessions: SessionStore = redis === undefined ? new MemorySessionStore() : new RedisSessionStore({ redis, prefix: `${redisPrefix}:session:` });
  let app: Hono | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request) => (app === undefined ? new Response("starting", { status: 503 }) : app.fetch(request)),
    hostname: host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const listenHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = baseUrl ?? `http://${listenHost}:${address.port}`;
  try {
    app = createWebApp({ ...appOptions, baseUrl: url, tokens, sessions });
  } catch (error) {
    await closeServer(server);
    await redis?.quit();
    throw error;
  }
  return {
    url,
    tokens,
    sessions,
    storage: redis === undefined ? "memory" : "redis",
    app,
    close: async () => {
      await closeServer(server);
      await redis?.quit();
    },
  };
}

function closeServer(server: ReturnType<typeof createAdaptorServer>): Promise<void> {
  return new Promise((resolve) => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}
