/**
 * What every route of the web app shares, built once per app: the resolved options, the one
 * `RefreshCoordinator` and rate limiter of the app, the session cookie and the API clients.
 *
 * @module
 */
import { type ClientCredentialsInput, clientTokenSet, createClient, type HttpTransport, type OAuthClient, type ProviderProfile, type RateLimiter, tileUrlTemplate, type TokenStore } from "@mly/auth-core";
import { createTokenRenewer, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { type ApiClient, createApiClient, createKyTransport, type LoginContext } from "@mly/fetch";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isSessionId, type WebSession } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

/** Options of `createWebApp`. */
export interface WebAppOptions {
  /** The Mapillary v4 profile (`mapillary`, or `mapillaryProfile(sandbox.endpoints.mapillary)`). */
  profile: ProviderProfile;
  /** The app's credentials (client id and secret; the public client token, when given, feeds the map's tiles). */
  client: ClientCredentialsInput;
  /** The public origin of this app, e.g. `https://photos.example.org` or `http://127.0.0.1:3000`. The callback is `${baseUrl}/auth/callback`. */
  baseUrl: string;
  /** Where tokens live (`RedisTokenStore` or `MemoryTokenStore`). */
  tokens: TokenStore;
  /** Where sessions live (`RedisSessionStore` or `MemorySessionStore`). */
  sessions: SessionStore;
  /** The area whose images are listed: `[west, south, east, north]`. */
  bbox: readonly [number, number, number, number];
  /** Images per page of the list (default 50). */
  imageLimit?: number;
  /** Images looked at at most to find the user's own (default 2000). */
  scanLimit?: number;
  /** Scopes to ask for (default `["read"]`). */
  scopes?: readonly string[];
  /** A viewer link per image, or `undefined` for none (default: the Mapillary web viewer). */
  imageLink?: ((id: string) => string) | undefined;
  /** How long a started login may take, in ms (default 10 minutes). */
  loginTtlMs?: number;
  /** How long a session lasts, in ms (default 8 hours). */
  sessionTtlMs?: number;
  /** The transport for token calls (default: `@mly/fetch`'s ky transport). */
  transport?: HttpTransport;
  /** The app's rate limiter, shared by every user's requests (default: the profile's documented policies, in memory). */
  limiter?: RateLimiter;
  /** Logs one line per notable event (never a token, code or secret). */
  log?: (line: string) => void;
}

/** The options and services every route uses. */
export interface WebContext {
  readonly profile: ProviderProfile;
  readonly client: OAuthClient;
  readonly login: LoginContext;
  /** The public origin. */
  readonly origin: string;
  /** `${origin}/auth/callback`, as registered with the provider. */
  readonly redirectUri: string;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly bbox: readonly [number, number, number, number];
  readonly imageLimit: number;
  readonly scanLimit: number;
  readonly scopes: readonly string[] | undefined;
  readonly imageLink: ((id: string) => string) | undefined;
  readonly loginTtlMs: number;
  readonly sessionTtlMs: number;
  /** The one refresh coordinator of the app: one refresh at a time per token, across all requests. */
  readonly coordinator: RefreshCoordinator;
  /** The one rate limiter of the app. */
  readonly limiter: RateLimiter;
  /** The vector-tile URL template with the app's public client token, or `undefined` without one. */
  readonly tileUrl: string | undefined;
  readonly log: (line: string) => void;
  /** An API client for the tokens under `tokenKey` (cheap: built per request on the shared coordinator and limiter). */
  api(tokenKey: string): ApiClient;
  /** The session cookie. */
  readonly cookie: SessionCookie;
  /** The session of this request, if its cookie names one that exists. */
  currentSession(c: Context): Promise<{ id: string; session: WebSession } | undefined>;
  /** Deletes a session and, for a signed-in user, their tokens. */
  signOut(id: string, session: WebSession): Promise<void>;
}

/** Reads and writes the cookie that holds the session id (and nothing else). */
export interface SessionCookie {
  set(c: Context, id: string, ttlMs: number): void;
  clear(c: Context): void;
  read(c: Context): string | undefined;
}

/**
 * Resolves the options into the shared context.
 *
 * @throws {TypeError} `baseUrl` is not an origin.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 * import { MemorySessionStore, createWebContext } from "@mly/web";
 *
 * const context = createWebContext({
 *   profile: mapillary,
 *   client: { clientId: "1234", clientSecret: "MLY|1234|…" },
 *   baseUrl: "https://photos.example.org",
 *   tokens: new MemoryTokenStore(),
 *   sessions: new MemorySessionStore(),
 *   bbox: [13.37, 52.5, 13.4, 52.52],
 * });
 * context.redirectUri; // "https://photos.example.org/auth/callback"
 * ```
 */
export function createWebContext(options: WebAppOptions): WebContext {
  const base = new URL(options.baseUrl);
  if (base.pathname !== "/" || base.search !== "" || base.hash !== "") throw new TypeError("baseUrl must be an origin, e.g. https://photos.example.org");
  const client = createClient(options.client);
  const transport = options.transport ?? createKyTransport();
  const profile = options.profile;
  const coordinator = new RefreshCoordinator({ store: options.tokens, renew: createTokenRenewer({ profile, client, transport }) });
  const limiter = options.limiter ?? adaptivePoliciesFor(profile);
  const tileUrl = client.clientToken === undefined || profile.tilesBaseUrl === undefined ? undefined : tileUrlTemplate(profile, clientTokenSet(client.clientToken, Date.now()));
  const cookie = sessionCookie(base.protocol === "https:");
  const context: WebContext = {
    profile,
    client,
    login: { profile, client, transport },
    origin: base.origin,
    redirectUri: `${base.origin}/auth/callback`,
    tokens: options.tokens,
    sessions: options.sessions,
    bbox: options.bbox,
    imageLimit: options.imageLimit ?? 50,
    scanLimit: options.scanLimit ?? 2000,
    scopes: options.scopes,
    imageLink: "imageLink" in options ? options.imageLink : (id: string): string => `https://www.mapillary.com/app/?pKey=${encodeURIComponent(id)}`,
    loginTtlMs: options.loginTtlMs ?? 10 * 60_000,
    sessionTtlMs: options.sessionTtlMs ?? 8 * 3_600_000,
    coordinator,
    limiter,
    tileUrl,
    log: options.log ?? ((): void => undefined),
    api: (tokenKey) => createApiClient({ profile, client, store: options.tokens, tokenKey, coordinator, limiter, transport }),
    cookie,
    currentSession: async (c) => {
      const id = cookie.read(c);
      if (id === undefined) return undefined;
      const session = await options.sessions.get(id);
      return session === undefined ? undefined : { id, session };
    },
    signOut: async (id, session) => {
      await options.sessions.delete(id);
      if (session.kind === "user") {
        await options.tokens.delete(session.tokenKey);
        coordinator.forget(session.tokenKey); // the coordinator keeps a fresh token in process
      }
    },
  };
  return context;
}

/** Over HTTPS the cookie is `__Host-mly_session`: Secure, Path=/, no Domain, enforced by browsers. */
function sessionCookie(secure: boolean): SessionCookie {
  const name = "mly_session";
  const prefix = secure ? { prefix: "host" as const } : {};
  return {
    set: (c, id, ttlMs) => {
      setCookie(c, name, id, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: Math.floor(ttlMs / 1000), ...prefix });
    },
    clear: (c) => {
      deleteCookie(c, name, { path: "/", secure, httpOnly: true, sameSite: "Lax", ...prefix });
    },
    read: (c) => {
      const id = secure ? getCookie(c, name, "host") : getCookie(c, name);
      return isSessionId(id) ? id : undefined;
    },
  };
}
