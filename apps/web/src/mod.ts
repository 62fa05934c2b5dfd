/**
 * `@mly/web`: a "Sign in with Mapillary" sample app on Hono — server-side authorization-code
 * flow, an httpOnly SameSite session cookie holding only a random id, tokens in Redis (or
 * memory), and the signed-in user's images on a map and in a list through `@mly/fetch`.
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
 *   redisUrl: process.env.REDIS_URL,
 * });
 * console.log(`open ${web.url}`);
 * ```
 *
 * @module
 */
export { createWebApp } from "./app.ts";
export { createWebContext, type SessionCookie, type WebAppOptions, type WebContext } from "./web_context.ts";
export { startWebServer, type WebServer, type WebServerOptions } from "./server.ts";
export { parseBbox, parseWebConfig, WEB_HELP, type WebConfig } from "./config.ts";
export { type Html, layout } from "./layout.ts";
export { errorPage, homePage, type ImageRow, type ImagesPageData, imagesPage, type LoginFailure, loginFailedPage, notFoundPage } from "./pages.ts";
export { assetRoutes } from "./routes/assets.ts";
export { authRoutes, loginFailed } from "./routes/auth.ts";
export { homeRoutes } from "./routes/home.ts";
export { imageRoutes } from "./routes/images.ts";
export { safeReturnTo } from "./return_to.ts";
export { isSessionId, type LoginSession, newSessionId, parseSession, serializeSession, type UserSession, type WebSession } from "./session.ts";
export { MemorySessionStore, type MemorySessionStoreOptions, type SessionStore } from "./session_store.ts";
export { RedisSessionStore, type RedisSessionStoreOptions } from "./redis_session_store.ts";
export { openTokenStore } from "./token_store.ts";
