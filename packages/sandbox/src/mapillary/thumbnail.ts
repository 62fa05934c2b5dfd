import { crc32, deflateSync } from "node:zlib";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import type { SandboxState } from "../state.ts";
import { graphError } from "./graph_error.ts";

/** The thumbnail fields of an image entity, each an URL of `/mapillary/thumbs/{id}?size=…`. */
export const THUMB_FIELDS: readonly string[] = ["thumb_256_url", "thumb_1024_url"];

/** Widths of the thumbnails, by field. Heights follow a 4:3 frame. */
const WIDTHS: Readonly<Record<string, number>> = { thumb_256_url: 256, thumb_1024_url: 1024 };

/**
 * Adds the selected thumbnail URLs to an entity picked from an image. Like Mapillary's CDN URLs
 * they need no token (Mapillary signs them; the sandbox serves them to anyone).
 */
export function withThumbUrls(entity: Record<string, unknown>, imageId: string, fields: readonly string[], baseUrl: string): Record<string, unknown> {
  for (const field of fields) {
    const width = WIDTHS[field];
    if (width !== undefined) entity[field] = `${baseUrl}/mapillary/thumbs/${imageId}?size=${width}`;
  }
  return entity;
}

/** `GET /mapillary/thumbs/{image_id}?size=256|1024`: a PNG thumbnail of the image, drawn from its id and compass angle. */
export function thumbnailHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const id = ctx.params["image_id"] ?? "";
    const image = /^\d+$/.test(id) ? state.dataset.byId(id) : undefined;
    if (image === undefined) return graphError({ status: 404, code: 100, message: `Unknown image '${id.slice(0, 40)}'` });
    const size = Number(ctx.url.searchParams.get("size") ?? "256");
    if (size !== 256 && size !== 1024) return graphError({ status: 400, code: 100, message: "size must be 256 or 1024" });
    return {
      status: 200,
      headers: { "content-type": "image/png", "cache-control": "public, max-age=86400" },
      body: drawThumbnail(id, image.compass_angle, size, (size * 3) / 4),
    };
  };
}

/**
 * A street-level picture in a few flat shapes: a sky whose hue comes from the image id, the
 * ground, and a road whose vanishing point moves with the compass angle. Encoded as an RGB PNG.
 */
export function drawThumbnail(id: string, compassAngle: number, width: number, height: number): Uint8Array {
  const hue = Number(BigInt(id) % 360n);
  const sky = hsl(hue, 0.55, 0.72);
  const ground = hsl((hue + 90) % 360, 0.25, 0.42);
  const road = [70, 70, 76] as const;
  const horizon = Math.round(height * 0.48);
  const vanishingX = width * (0.2 + 0.6 * (compassAngle / 360));
  const rows: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(1 + width * 3); // filter byte 0, then RGB
    const depth = (y - horizon) / (height - horizon); // 0 at the horizon, 1 at the bottom
    for (let x = 0; x < width; x++) {
      let color: readonly number[] = sky;
      if (y >= horizon) {
        const halfRoad = depth * width * 0.45;
        const center = vanishingX + (width / 2 - vanishingX) * depth;
        color = Math.abs(x - center) <= halfRoad ? road : ground;
      } else {
        const shade = 1 - (0.25 * y) / horizon;
        color = sky.map((c) => Math.round(c * shade));
      }
      row.set(color, 1 + x * 3);
    }
    rows.push(row);
  }
  return png(width, height, rows);
}

function png(width: number, height: number, rows: readonly Uint8Array[]): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolor RGB, deflate, adaptive filters, no interlace
  const raw = new Uint8Array(rows.reduce((n, row) => n + row.length, 0));
  let offset = 0;
  for (const row of rows) {
    raw.set(row, offset);
    offset += row.length;
  }
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = new TextEncoder().encode(type);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hsl(hue: number, saturation: number, lightness: number): number[] {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}
