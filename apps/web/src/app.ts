/**
 * The Hono app: sign in with Mapillary (server-side code flow), a session cookie, the user's
 * images on a map, sign-out. Written the way Hono apps are: sub-apps per concern mounted with
 * `app.route()`, Hono's `secure-headers` and `csrf` middleware, pages on its `html` helper.
 *
 * @module
 */
import { MlyError } from "@mly/auth-core";
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { errorPage, notFoundPage } from "./pages.ts";
import { assetRoutes } from "./routes/assets.ts";
import { authRoutes } from "./routes/auth.ts";
import { homeRoutes } from "./routes/home.ts";
import { imageRoutes } from "./routes/images.ts";
import { createWebContext, type WebAppOptions } from "./web_context.ts";

/**
 * Builds the web app. Routes: `GET /` (sign-in button or who is signed in), `POST|GET /login`,
 * `GET /auth/callback`, `GET /auth/failed`, `POST /logout`, `GET /images?page=N` (map and list),
 * `GET /images/{id}/thumbnail`, `GET /assets/*`; anything else is the 404 page.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
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
  const context = createWebContext(options);
  const origin = (url: string | undefined): string[] => (url === undefined ? [] : [new URL(url).origin]);
  const app = new Hono();

  app.use(
    secureHeaders({
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        // MapLibre's CSP build runs its worker from /assets, never from a blob.
        workerSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'", ...origin(context.profile.tilesBaseUrl)],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        // A form POST to /login is redirected to the consent page: browsers apply form-action to that redirect too.
        formAction: ["'self'", ...origin(context.profile.authorizationEndpoint)],
      },
    }),
  );
  // Cross-site form posts (sign-in, sign-out) are refused outright; SameSite=Lax already keeps the cookie off them.
  app.use(csrf({ origin: context.origin, secFetchSite: "same-origin" }));
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.header("Cache-Control", "no-store");
  });

  app.route("/", homeRoutes(context));
  app.route("/", authRoutes(context));
  app.route("/images", imageRoutes(context));
  app.route("/assets", assetRoutes());

  app.notFound((c) => c.html(notFoundPage(c.req.path), 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return c.html(errorPage("Refused", "This request must come from a page of this site."), 403);
    }
    context.log(`internal error: ${error instanceof MlyError ? error.code : error.name}`);
    return c.html(errorPage("Something went wrong", "The server could not complete this request."), 500);
  });
  return app;
}
