/**
 * The Hono app: sign in with Mapillary (server-side code flow), a session cookie, the user's
 * images, sign-out.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  AuthorizationError,
  type ClientCredentialsInput,
  createClient,
  formatTokenKey,
  type HttpTransport,
  InvalidCallbackError,
  LoginRequiredError,
  MlyError,
  parsePendingAuthorization,
  type ProviderProfile,
  RateLimitedError,
  serializePendingAuthorization,
  StateMismatchError,
  type TokenStore,
} from "@mly/auth-core";
import { createApiClient, finishLogin, iterateImages, type LoginContext, startLogin } from "@mly/fetch";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { errorPage, homePage, type ImageRow, imagesPage, type LoginFailure, loginFailedPage } from "./pages.ts";
import { safeReturnTo } from "./return_to.ts";
import { isSessionId, newSessionId, type UserSession, type WebSession } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** The Mapillary v4 profile (`mapillary`, or `mapillaryProfile(sandbox.endpoints.mapillary)`). */
  profile: ProviderProfile;
  /** The app's credentials (client id and secret). */
  client: ClientCredentialsInput;
  /** The public origin of this app, e.g. `https://photos.example.org` or `http://127.0.0.1:3000`. The callback is `${baseUrl}/auth/callback`. */
  baseUrl: string;
  /** Where tokens live (`RedisTokenStore` or `MemoryTokenStore`). */
  tokens: TokenStore;
  /** Where sessions live (`RedisSessionStore` or `MemorySessionStore`). */
  sessions: SessionStore;
  /** The area whose images are listed: `[west, south, east, north]`. */
  bbox: readonly [number, number, number, number];
  /** Images shown at most (default 50). */
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
  /** Logs one line per notable event (never a token, code or secret). */
  log?: (line: string) => void;
}

const _IMAGE_FIELDS = ["id", "captured_at", "compass_angle", "sequence", "creator"] as const;

/**
 * Builds the web app. Routes: `GET /` (sign-in button or who is signed in), `POST|GET /login`,
 * `GET /auth/callback`, `GET /auth/failed`, `GET /images`, `POST /logout`.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore, mapillary } from "@mly/auth-core";
 * import { MemorySessionStore, createWebApp } from "@mly/web";
 *
 * const app = createWebApp({
 *   profile: mapillary,
 *   client: { clientId: "1234", clientSecret: "MLY|1234|…" },
 *   baseUrl: "https://photos.example.org",
 *   tokens: new MemoryTokenStore(),
 *   sessions: new MemorySessionStore(),
 *   bbox: [13.37, 52.5, 13.4, 52.52],
 * });
 * ```
 */
export function createWebApp(options: WebAppOptions): Hono {
  const base = new URL(options.baseUrl);
  if (base.pathname !== "/" || base.search !== "" || base.hash !== "") throw new TypeError("baseUrl must be an origin, e.g. https://photos.example.org");
  const origin = base.origin;
  const secure = base.protocol === "https:";
  // Over HTTPS the cookie is `__Host-mly_session`: Secure, Path=/, no Domain, enforced by browsers.
  const cookieName = "mly_session";
  const cookiePrefix = secure ? { prefix: "host" as const } : {};
  const redirectUri = `${origin}/auth/callback`;
  const client = createClient(options.client);
  const login: LoginContext = { profile: options.profile, client, ...(options.transport === undefined ? {} : { transport: options.transport }) };
  const loginTtlMs = options.loginTtlMs ?? 10 * 60_000;
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 3_600_000;
  const imageLink = "imageLink" in options ? options.imageLink : (id: string): string => `https://www.mapillary.com/app/?pKey=${encodeURIComponent(id)}`;
  const log = options.log ?? ((): void => undefined);
  const authOrigin = options.profile.authorizationEndpoint === undefined ? "" : ` ${new URL(options.profile.authorizationEndpoint).origin}`;
  const csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; " +
    // A form POST to /login is redirected to the consent page: browsers apply form-action to that redirect too.
    `form-action 'self'${authOrigin}`;

  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Content-Security-Policy", csp);
    c.header("Cache-Control", "no-store");
  });

  const setSessionCookie = (c: Context, id: string, ttlMs: number): void => {
    setCookie(c, cookieName, id, {
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/",
      maxAge: Math.floor(ttlMs / 1000),
      ...cookiePrefix,
    });
  };
  const clearSessionCookie = (c: Context): void => {
    deleteCookie(c, cookieName, { path: "/", secure, httpOnly: true, sameSite: "Lax", ...cookiePrefix });
  };
  const sessionIdOf = (c: Context): string | undefined => {
    const id = secure ? getCookie(c, cookieName, "host") : getCookie(c, cookieName);
    return isSessionId(id) ? id : undefined;
  };
  const currentSession = async (c: Context): Promise<{ id: string; session: WebSession } | undefined> => {
    const id = sessionIdOf(c);
    if (id === undefined) return undefined;
    const session = await options.sessions.get(id);
    return session === undefined ? undefined : { id, session };
  };
  /** Cross-site form posts are refused: SameSite=Lax already keeps the cookie off them, this refuses them outright. */
  const crossSite = (c: Context): boolean => {
    const requestOrigin = c.req.header("origin");
    if (requestOrigin !== undefined && requestOrigin !== "null" && requestOrigin !== origin) return true;
    const site = c.req.header("sec-fetch-site");
    return site !== undefined && site !== "same-origin" && site !== "none";
  };

  const beginLogin = async (c: Context, returnTo: string): Promise<Response> => {
    const existing = await currentSession(c);
    if (existing?.session.kind === "user") return c.redirect(returnTo, 303);
    if (existing !== undefined) await options.sessions.delete(existing.id);
    const { url, pending } = await startLogin(login, { redirectUri, ...(options.scopes === undefined ? {} : { scopes: options.scopes }) });
    const id = newSessionId();
    await options.sessions.set(id, { kind: "login", pending: serializePendingAuthorization(pending), returnTo, createdAt: Date.now() }, loginTtlMs);
    setSessionCookie(c, id, loginTtlMs);
    log("login started");
    return c.redirect(url, 303);
  };

  app.get("/", async (c) => {
    const current = await currentSession(c);
    const user = current?.session.kind === "user" ? { id: current.session.userId, username: current.session.username } : undefined;
    const notice = c.req.query("signed_out") === "1" ? "You are signed out." : undefined;
    return c.html(homePage({ user, notice }));
  });

  app.post("/login", async (c) => {
    if (crossSite(c)) return c.html(errorPage("Refused", "A sign-in must start from this site."), 403);
    const form = await c.req.parseBody();
    const returnTo = safeReturnTo(typeof form["returnTo"] === "string" ? form["returnTo"] : undefined);
    return beginLogin(c, returnTo);
  });

  app.get("/login", async (c) => beginLogin(c, safeReturnTo(c.req.query("returnTo"))));

  app.get("/auth/callback", async (c) => {
    // The callback URL carries the code: no Referer from this page, and leave it at once.
    c.header("Referrer-Policy", "no-referrer");
    const id = sessionIdOf(c);
    // Only a login in progress is consumed: a cross-site link to this URL must not end a
    // signed-in user's session (SameSite=Lax sends the cookie on top-level GETs).
    const current = id === undefined ? undefined : await options.sessions.get(id);
    if (current?.kind === "user") return c.redirect("/", 303);
    const session = id === undefined || current === undefined ? undefined : await options.sessions.take(id);
    if (session?.kind !== "login") return failed(c, "expired");
    // The callback as registered (the Host header is not trusted to name this app).
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = new URL(c.req.url).search;
    let pending;
    try {
      pending = parsePendingAuthorization(session.pending);
    } catch {
      return failed(c, "expired");
    }
    let tokenSet;
    try {
      tokenSet = await finishLogin(login, pending, callbackUrl);
    } catch (error) {
      log(`login failed: ${error instanceof MlyError ? error.code : "unexpected error"}`);
      if (error instanceof AuthorizationError) {
        return failed(c, error.error === "user_denied" || error.error === "access_denied" ? "denied" : "error", error.error);
      }
      if (error instanceof StateMismatchError) return failed(c, "state");
      if (error instanceof InvalidCallbackError) return failed(c, "invalid");
      return failed(c, "error", error instanceof MlyError ? error.code : undefined);
    }
    const tokenKey = formatTokenKey({ provider: options.profile.id, clientId: client.clientId, profile: `web-${randomUUID()}` });
    await options.tokens.set(tokenKey, tokenSet);
    let me: { id: string; username: string | undefined };
    try {
      me = await _me(apiFor(tokenKey).ky);
    } catch (error) {
      await options.tokens.delete(tokenKey);
      log(`login failed at /me: ${error instanceof MlyError ? error.code : "unexpected error"}`);
      return failed(c, "error", error instanceof MlyError ? error.code : undefined);
    }
    const userSession: UserSession = { kind: "user", userId: me.id, username: me.username, tokenKey, createdAt: Date.now() };
    const newId = newSessionId();
    await options.sessions.set(newId, userSession, sessionTtlMs);
    setSessionCookie(c, newId, sessionTtlMs);
    log("login completed");
    // Redirect right away so the code leaves the address bar and the history entry.
    return c.redirect(safeReturnTo(session.returnTo), 303);
  });

  /** Ends in the failure page, without a session. */
  const failed = (c: Context, reason: LoginFailure, detail?: string): Response => {
    clearSessionCookie(c);
    const target = new URLSearchParams({ reason });
    if (detail !== undefined) target.set("detail", detail);
    return c.redirect(`/auth/failed?${target.toString()}`, 303);
  };

  app.get("/auth/failed", (c) => {
    const reason = c.req.query("reason");
    const known: readonly LoginFailure[] = ["denied", "state", "expired", "invalid", "error", "session"];
    const which = known.find((r) => r === reason) ?? "error";
    const detail = c.req.query("detail");
    const shownDetail = detail !== undefined && /^[a-z_]{1,40}$/.test(detail) ? detail : undefined;
    return c.html(loginFailedPage(which, shownDetail), which === "denied" || which === "session" ? 200 : 400);
  });

  const apiFor = (tokenKey: string): ReturnType<typeof createApiClient> =>
    createApiClient({
      profile: options.profile,
      client,
      store: options.tokens,
      tokenKey,
      ...(options.transport === undefined ? {} : { transport: options.transport }),
    });

  app.get("/images", async (c) => {
    const current = await currentSession(c);
    if (current?.session.kind !== "user") return c.redirect(`/login?returnTo=${encodeURIComponent("/images")}`, 303);
    const user = current.session;
    const api = apiFor(user.tokenKey);
    const rows: ImageRow[] = [];
    let scanned = 0;
    try {
      for await (const image of iterateImages(api.ky, {
        bbox: options.bbox,
        fields: _IMAGE_FIELDS,
        pageSize: 500,
        limit: options.scanLimit ?? 2000,
        signal: c.req.raw.signal,
      })) {
        scanned++;
        const creator = image["creator"] as { id?: unknown } | undefined;
        if (typeof creator?.id === "string" && creator.id !== user.userId) continue;
        rows.push(_row(image, imageLink));
        if (rows.length >= (options.imageLimit ?? 50)) break;
      }
    } catch (error) {
      if (error instanceof LoginRequiredError) {
        await signOut(current.id, user);
        return failed(c, "session");
      }
      if (error instanceof RateLimitedError) {
        c.header("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
        return c.html(errorPage("Mapillary is busy", `Too many requests right now; try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`), 503);
      }
      log(`images failed: ${error instanceof MlyError ? error.code : "unexpected error"}`);
      return c.html(errorPage("Mapillary did not answer", "The images could not be loaded. Try again in a moment."), 502);
    }
    return c.html(imagesPage({ username: user.username ?? user.userId, rows, scanned, bbox: options.bbox }));
  });

  const signOut = async (id: string, session: WebSession): Promise<void> => {
    await options.sessions.delete(id);
    if (session.kind === "user") await options.tokens.delete(session.tokenKey);
  };

  app.post("/logout", async (c) => {
    if (crossSite(c)) return c.html(errorPage("Refused", "Sign-out must come from this site."), 403);
    const current = await currentSession(c);
    if (current !== undefined) await signOut(current.id, current.session);
    clearSessionCookie(c);
    log("signed out");
    return c.redirect("/?signed_out=1", 303);
  });

  app.onError((error, c) => {
    log(`internal error: ${error instanceof MlyError ? error.code : error.name}`);
    return c.html(errorPage("Something went wrong", "The server could not complete this request."), 500);
  });

  return app;
}

async function _me(api: ReturnType<typeof createApiClient>["ky"]): Promise<{ id: string; username: string | undefined }> {
  const body: unknown = await api.get("me", { searchParams: { fields: "id,username" } }).json();
  const me = body as { id?: unknown; username?: unknown };
  if (typeof me.id !== "string") throw new TypeError("Mapillary /me returned no id");
  return { id: me.id, username: typeof me.username === "string" ? me.username : undefined };
}

function _row(image: Record<string, unknown>, link: ((id: string) => string) | undefined): ImageRow {
  const id = String(image["id"]);
  const captured = image["captured_at"];
  const angle = image["compass_angle"];
  const sequence = image["sequence"];
  return {
    id,
    capturedAt: typeof captured === "number" && Number.isFinite(captured) ? new Date(captured).toISOString() : undefined,
    compassAngle: typeof angle === "number" && Number.isFinite(angle) ? angle : undefined,
    sequence: typeof sequence === "string" ? sequence : undefined,
    link: link?.(id),
  };
}
