/**
 * `@mly/web`: a "Sign in with Mapillary" sample app on Hono — server-side authorization-code
 * flow, an httpOnly SameSite session cookie holding only a random id, tokens in Redis (or
 * memory), and the signed-in user's images through `@mly/fetch`.
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
export * from "./app.ts";
export * from "./server.ts";
export * from "./config.ts";
export * from "./html.ts";
export * from "./pages.ts";
export * from "./return_to.ts";
export * from "./session.ts";
export * from "./session_store.ts";
export * from "./redis_session_store.ts";
export * from "./token_store.ts";
