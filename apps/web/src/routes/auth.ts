/**
 * Sign-in and sign-out: `POST|GET /login`, `GET /auth/callback`, `GET /auth/failed`,
 * `POST /logout`. Cross-site form posts never get here: the app's `csrf` middleware refuses them.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  AuthorizationError,
  formatTokenKey,
  InvalidCallbackError,
  MlyError,
  parsePendingAuthorization,
  serializePendingAuthorization,
  StateMismatchError,
} from "@mly/auth-core";
import { finishLogin, startLogin } from "@mly/fetch";
import { type Context, Hono } from "hono";
import { type LoginFailure, loginFailedPage } from "../pages.ts";
import { safeReturnTo } from "../return_to.ts";
import { newSessionId, type UserSession } from "../session.ts";
import type { WebContext } from "../web_context.ts";

const FAILURE_REASONS: readonly LoginFailure[] = ["denied", "state", "expired", "invalid", "error", "session"];

/**
 * Ends in the failure page, without a session.
 *
 * @example
 * ```ts
 * import type { Context } from "hono";
 * import { loginFailed, type WebContext } from "@mly/web";
 *
 * declare const context: WebContext;
 * declare const c: Context;
 * const response = loginFailed(context, c, "expired");
 * ```
 */
export function loginFailed(context: WebContext, c: Context, reason: LoginFailure, detail?: string): Response {
  context.cookie.clear(c);
  const target = new URLSearchParams({ reason });
  if (detail !== undefined) target.set("detail", detail);
  return c.redirect(`/auth/failed?${target.toString()}`, 303);
}

/**
 * The sign-in and sign-out routes.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { authRoutes, type WebContext } from "@mly/web";
 *
 * declare const context: WebContext;
 * const app = new Hono().route("/", authRoutes(context));
 * ```
 */
export function authRoutes(context: WebContext): Hono {
  const beginLogin = async (c: Context, returnTo: string): Promise<Response> => {
    const existing = await context.currentSession(c);
    if (existing?.session.kind === "user") return c.redirect(returnTo, 303);
    if (existing !== undefined) await context.sessions.delete(existing.id);
    const { url, pending } = await startLogin(context.login, {
      redirectUri: context.redirectUri,
      ...(context.scopes === undefined ? {} : { scopes: context.scopes }),
    });
    const id = newSessionId();
    await context.sessions.set(id, { kind: "login", pending: serializePendingAuthorization(pending), returnTo, createdAt: Date.now() }, context.loginTtlMs);
    context.cookie.set(c, id, context.loginTtlMs);
    context.log("login started");
    return c.redirect(url, 303);
  };

  const routes = new Hono();
  routes.post("/login", async (c) => {
    const form = await c.req.parseBody();
    return beginLogin(c, safeReturnTo(typeof form["returnTo"] === "string" ? form["returnTo"] : undefined));
  });
  routes.get("/login", async (c) => beginLogin(c, safeReturnTo(c.req.query("returnTo"))));
  routes.get("/auth/callback", async (c) => {
    // The callback URL carries the code: no Referer from this page, and leave it at once.
    c.header("Referrer-Policy", "no-referrer");
    const id = context.cookie.read(c);
    // Only a login in progress is consumed: a cross-site link to this URL must not end a
    // signed-in user's session (SameSite=Lax sends the cookie on top-level GETs).
    const current = id === undefined ? undefined : await context.sessions.get(id);
    if (current?.kind === "user") return c.redirect("/", 303);
    const session = id === undefined || current === undefined ? undefined : await context.sessions.take(id);
    if (session?.kind !== "login") return loginFailed(context, c, "expired");
    // The callback as registered (the Host header is not trusted to name this app).
    const callbackUrl = new URL(context.redirectUri);
    callbackUrl.search = new URL(c.req.url).search;
    let pending;
    try {
      pending = parsePendingAuthorization(session.pending);
    } catch {
      return loginFailed(context, c, "expired");
    }
    let tokenSet;
    try {
      tokenSet = await finishLogin(context.login, pending, callbackUrl);
    } catch (error) {
      context.log(`login failed: ${error instanceof MlyError ? error.code : "unexpected error"}`);
      if (error instanceof AuthorizationError) {
        return loginFailed(context, c, error.error === "user_denied" || error.error === "access_denied" ? "denied" : "error", error.error);
      }
      if (error instanceof StateMismatchError) return loginFailed(context, c, "state");
      if (error instanceof InvalidCallbackError) return loginFailed(context, c, "invalid");
      return loginFailed(context, c, "error", error instanceof MlyError ? error.code : undefined);
    }
    const tokenKey = formatTokenKey({ provider: context.profile.id, clientId: context.client.clientId, profile: `web-${randomUUID()}` });
    await context.tokens.set(tokenKey, tokenSet);
    let me: { id: string; username: string | undefined };
    try {
      me = await whoAmI(context, tokenKey);
    } catch (error) {
      await context.tokens.delete(tokenKey);
      context.coordinator.forget(tokenKey);
      context.log(`login failed at /me: ${error instanceof MlyError ? error.code : "unexpected error"}`);
      return loginFailed(context, c, "error", error instanceof MlyError ? error.code : undefined);
    }
    const userSession: UserSession = { kind: "user", userId: me.id, username: me.username, tokenKey, createdAt: Date.now() };
    const newId = newSessionId();
    await context.sessions.set(newId, userSession, context.sessionTtlMs);
    context.cookie.set(c, newId, context.sessionTtlMs);
    context.log("login completed");
    // Redirect right away so the code leaves the address bar and the history entry.
    return c.redirect(safeReturnTo(session.returnTo), 303);
  });
  routes.get("/auth/failed", (c) => {
    const reason = c.req.query("reason");
    const which = FAILURE_REASONS.find((r) => r === reason) ?? "error";
    const detail = c.req.query("detail");
    const shownDetail = detail !== undefined && /^[a-z_]{1,40}$/.test(detail) ? detail : undefined;
    return c.html(loginFailedPage(which, shownDetail), which === "denied" || which === "session" ? 200 : 400);
  });
  routes.post("/logout", async (c) => {
    const current = await context.currentSession(c);
    if (current !== undefined) await context.signOut(current.id, current.session);
    context.cookie.clear(c);
    context.log("signed out");
    return c.redirect("/?signed_out=1", 303);
  });
  return routes;
}

/** The Mapillary user behind the tokens under `tokenKey` (`/me`). */
async function whoAmI(context: WebContext, tokenKey: string): Promise<{ id: string; username: string | undefined }> {
  const body: unknown = await context.api(tokenKey).ky.get("me", { searchParams: { fields: "id,username" } }).json();
  const me = body as { id?: unknown; username?: unknown };
  if (typeof me.id !== "string") throw new TypeError("Mapillary /me returned no id");
  return { id: me.id, username: typeof me.username === "string" ? me.username : undefined };
}
