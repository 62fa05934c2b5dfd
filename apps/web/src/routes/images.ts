/**
 * The signed-in user's images: `GET /images?page=N` (the map, a thumbnail on click, the paged
 * list) and `GET /images/{id}/thumbnail` (the image's thumbnail, fetched by the server).
 *
 * @module
 */
import { LoginRequiredError, MlyError, RateLimitedError } from "@mly/auth-core";
import { iterateImages } from "@mly/fetch/mapillary";
import { type Context, Hono } from "hono";
import { errorPage, type ImageRow, imagesPage } from "../pages.ts";
import type { UserSession } from "../session.ts";
import type { WebContext } from "../web_context.ts";
import { loginFailed } from "./auth.ts";

const IMAGE_FIELDS = ["id", "captured_at", "compass_angle", "sequence", "creator", "geometry"] as const;
/** A thumbnail bigger than this is refused (Mapillary's 256-px JPEGs are ~20 KB). */
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;
const THUMBNAIL_TIMEOUT_MS = 15_000;

/**
 * The image routes, mounted at `/images`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { imageRoutes, type WebContext } from "@mly/web";
 *
 * declare const context: WebContext;
 * const app = new Hono().route("/images", imageRoutes(context));
 * ```
 */
export function imageRoutes(context: WebContext): Hono {
  /** The signed-in user, or a response that sends the browser to sign in. */
  const signedIn = async (c: Context, returnTo: string): Promise<{ id: string; user: UserSession } | Response> => {
    const current = await context.currentSession(c);
    if (current?.session.kind !== "user") return c.redirect(`/login?returnTo=${encodeURIComponent(returnTo)}`, 303);
    return { id: current.id, user: current.session };
  };

  /** The page for an API failure: a revoked sign-in signs the user out. */
  const apiFailure = async (c: Context, error: unknown, id: string, user: UserSession): Promise<Response> => {
    if (error instanceof LoginRequiredError) {
      await context.signOut(id, user);
      return loginFailed(context, c, "session");
    }
    if (error instanceof RateLimitedError) {
      const seconds = Math.ceil(error.retryAfterMs / 1000);
      c.header("Retry-After", String(seconds));
      return c.html(errorPage("Mapillary is busy", `Too many requests right now; try again in ${seconds} s.`), 503);
    }
    context.log(`images failed: ${error instanceof MlyError ? error.code : "unexpected error"}`);
    return c.html(errorPage("Mapillary did not answer", "The images could not be loaded. Try again in a moment."), 502);
  };

  const routes = new Hono();
  routes.get("/", async (c) => {
    const page = pageNumber(c.req.query("page"));
    const who = await signedIn(c, page === 1 ? "/images" : `/images?page=${page}`);
    if (who instanceof Response) return who;
    const { id, user } = who;
    const rows: ImageRow[] = [];
    let skip = (page - 1) * context.imageLimit;
    let center: [number, number] | undefined;
    let hasNext = false;
    let scanned = 0;
    try {
      for await (const image of iterateImages(context.api(user.tokenKey).ky, {
        bbox: context.bbox,
        fields: IMAGE_FIELDS,
        pageSize: 500,
        limit: context.scanLimit,
        signal: c.req.raw.signal,
      })) {
        scanned++;
        const creator = image["creator"] as { id?: unknown } | undefined;
        if (typeof creator?.id === "string" && creator.id !== user.userId) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        if (rows.length === context.imageLimit) {
          hasNext = true;
          break;
        }
        rows.push(imageRow(image, context.imageLink));
        center ??= pointOf(image);
      }
    } catch (error) {
      return apiFailure(c, error, id, user);
    }
    const [w, s, e, n] = context.bbox;
    const map = context.tileUrl === undefined ? undefined : { tileUrl: context.tileUrl, center: center ?? ([(w + e) / 2, (s + n) / 2] as const) };
    return c.html(imagesPage({ username: user.username ?? user.userId, userId: user.userId, rows, scanned, bbox: context.bbox, page, hasNext, map }));
  });
  routes.get("/:id/thumbnail", async (c) => {
    const imageId = c.req.param("id");
    if (!/^\d{1,20}$/.test(imageId)) return c.notFound();
    const who = await signedIn(c, "/images");
    if (who instanceof Response) return who;
    let thumbUrl: unknown;
    try {
      const entity: unknown = await context.api(who.user.tokenKey).ky.get(imageId, { searchParams: { fields: "thumb_256_url" } }).json();
      thumbUrl = (entity as { thumb_256_url?: unknown }).thumb_256_url;
    } catch (error) {
      return apiFailure(c, error, who.id, who.user);
    }
    if (typeof thumbUrl !== "string" || !fetchableThumbnailUrl(thumbUrl)) return c.notFound();
    const thumbnail = await fetchThumbnail(thumbUrl);
    if (thumbnail === undefined) return c.html(errorPage("Thumbnail unavailable", "Mapillary did not send a usable thumbnail."), 502);
    return c.body(thumbnail.bytes, 200, { "content-type": thumbnail.type, "cache-control": "private, max-age=3600" });
  });
  return routes;
}

/** Thumbnails come over HTTPS (Mapillary's CDN); plain HTTP only from loopback (the sandbox). */
function fetchableThumbnailUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.protocol === "https:" || (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
}

/** `?page=` as a page number from 1 (anything else is page 1). */
function pageNumber(text: string | undefined): number {
  const page = Number(text ?? "1");
  return Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
}

/**
 * Fetches a thumbnail (no credentials: Mapillary's thumbnail URLs are signed CDN URLs), reading
 * at most {@link MAX_THUMBNAIL_BYTES}; `undefined` unless it is an image that fits.
 */
async function fetchThumbnail(url: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string } | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(THUMBNAIL_TIMEOUT_MS) });
  } catch {
    return undefined;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !/^image\/(png|jpeg|webp)$/.test(type) || response.body === null) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_THUMBNAIL_BYTES) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, type };
}

function imageRow(image: Record<string, unknown>, link: ((id: string) => string) | undefined): ImageRow {
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

function pointOf(image: Record<string, unknown>): [number, number] | undefined {
  const geometry = image["geometry"] as { coordinates?: unknown } | undefined;
  const coordinates = geometry?.coordinates;
  if (!Array.isArray(coordinates)) return undefined;
  const [lon, lat] = coordinates as unknown[];
  return typeof lon === "number" && typeof lat === "number" ? [lon, lat] : undefined;
}
