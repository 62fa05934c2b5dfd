/**
 * `GET /assets/*`: the app's stylesheet and map script, and MapLibre GL JS (its CSP build and
 * worker), served by the app itself from the installed packages: no CDN.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

const require = createRequire(import.meta.url);

/** Each asset: where it is read from and its content type. */
const ASSETS: Readonly<Record<string, { path: () => string; type: string }>> = {
  "app.css": { path: () => fileURLToPath(new URL("../../assets/app.css", import.meta.url)), type: "text/css; charset=utf-8" },
  "map.js": { path: () => fileURLToPath(new URL("../../assets/map.js", import.meta.url)), type: "text/javascript; charset=utf-8" },
  "maplibre-gl.js": { path: () => require.resolve("maplibre-gl/dist/maplibre-gl-csp.js"), type: "text/javascript; charset=utf-8" },
  "maplibre-gl-csp-worker.js": { path: () => require.resolve("maplibre-gl/dist/maplibre-gl-csp-worker.js"), type: "text/javascript; charset=utf-8" },
  "maplibre-gl.css": { path: () => require.resolve("maplibre-gl/dist/maplibre-gl.css"), type: "text/css; charset=utf-8" },
};

/**
 * The asset routes, mounted at `/assets`. Files are read once, on first request.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { assetRoutes } from "@mly/web";
 *
 * const app = new Hono().route("/assets", assetRoutes());
 * ```
 */
export function assetRoutes(): Hono {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const routes = new Hono();
  routes.get("/:name", async (c) => {
    const name = c.req.param("name");
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (asset === undefined) return c.notFound();
    let bytes = cache.get(name);
    if (bytes === undefined) {
      bytes = readFile(asset.path()).then((buffer) => new Uint8Array(buffer));
      cache.set(name, bytes);
    }
    return c.body(await bytes, 200, { "content-type": asset.type, "cache-control": "public, max-age=3600" });
  });
  return routes;
}
