import type { SandboxImage } from "./dataset.ts";
import { detectionPolygonTile } from "./mapillary/mvt.ts";
import { mulberry32 } from "./prng.ts";

/**
 * One generated object detection on an image, shaped like a Mapillary v4 detection entity:
 * `value` is a class of the Mapillary taxonomy, `created_at` an ISO 8601 time in Graph's
 * `+0000` form, and `geometry` the detected polygon as the API sends it, a base64-encoded Mapbox
 * Vector Tile (extent 4096, image coordinates, layer `mpy-or`).
 */
export interface SandboxDetection {
  id: string;
  value: string;
  created_at: string;
  geometry: string;
  image: { id: string };
}

/** The detection fields `?fields=` may select. */
export const DETECTION_FIELDS: readonly (keyof SandboxDetection)[] = ["id", "value", "created_at", "geometry", "image"];

/** The classes the generator picks from (real Mapillary taxonomy names). */
export const DETECTION_VALUES: readonly string[] = [
  "object--traffic-light--general-upright",
  "object--street-light",
  "object--fire-hydrant",
  "object--support--utility-pole",
  "object--sign--advertisement",
  "regulatory--stop--g1",
  "regulatory--no-parking--g2",
  "regulatory--maximum-speed-limit-25--g2",
  "warning--pedestrians-crossing--g4",
  "information--parking--g1",
  "marking--discrete--crosswalk-zebra",
  "construction--flat--crosswalk-plain",
];

/**
 * The detections of `image`: 0 to 5, the same ones on every call and every start (seeded by
 * the image id, which the data-set seed already fixes), found 1 to 48 hours after capture.
 */
export function detectionsOf(image: SandboxImage): SandboxDetection[] {
  const rand = mulberry32(hash(image.id));
  const count = Math.floor(rand() * 6);
  const detections: SandboxDetection[] = [];
  let createdAt = image.captured_at + 3_600_000 + Math.floor(rand() * 47 * 3_600_000);
  for (let i = 0; i < count; i++) {
    const x = Math.floor(rand() * 3600);
    const y = Math.floor(rand() * 3600);
    const width = 40 + Math.floor(rand() * Math.min(400, 4095 - x - 40));
    const height = 40 + Math.floor(rand() * Math.min(400, 4095 - y - 40));
    detections.push({
      id: String(BigInt(image.id) * 10n + BigInt(i) + 900_000_000_000_000_000n),
      value: DETECTION_VALUES[Math.floor(rand() * DETECTION_VALUES.length)] ?? "object--street-light",
      created_at: graphTime(createdAt),
      geometry: Buffer.from(detectionPolygonTile([x, y, x + width, y + height])).toString("base64"),
      image: { id: image.id },
    });
    createdAt += Math.floor(rand() * 1000);
  }
  return detections;
}

/** Graph's timestamp form: `2021-05-20T17:49:01+0000`. */
function graphTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** FNV-1a of the id: a 32-bit PRNG seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
