/**
 * `GET /`: the sign-in button, or who is signed in.
 *
 * @module
 */
import { Hono } from "hono";
import { homePage } from "../pages.ts";
import type { WebContext } from "../web_context.ts";

/**
 * The home routes.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { homeRoutes, type WebContext } from "@mly/web";
 *
 * declare const context: WebContext;
 * const app = new Hono().route("/", homeRoutes(context));
 * ```
 */
export function homeRoutes(context: WebContext): Hono {
  const routes = new Hono();
  routes.get("/", async (c) => {
    const current = await context.currentSession(c);
    const user = current?.session.kind === "user" ? { id: current.session.userId, username: current.session.username } : undefined;
    const notice = c.req.query("signed_out") === "1" ? "You are signed out." : undefined;
    return c.html(homePage({ user, notice }));
  });
  return routes;
}
