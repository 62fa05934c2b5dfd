import type { MapillaryImage } from "@mly/fetch/mapillary";

/** Output formats of `mly images`. */
export type ImageFormat = "ndjson" | "geojson";

/** Writes images one by one; every prefix of the output plus `close()` is a valid document. */
export interface ImageWriter {
  /** Writes one image. */
  write(image: MapillaryImage): void;
  /** Ends the document (closes the GeoJSON FeatureCollection); call it on success and on Ctrl-C. */
  close(): void;
}

/**
 * Streams images as NDJSON (one JSON object per line) or as a GeoJSON FeatureCollection
 * (each image a Feature: its `geometry`, the other fields as `properties`, `id` as the feature id).
 * Each record is written with a single `write`, so an interrupted download never leaves half a line.
 *
 * @example
 * ```ts
 * import { createImageWriter } from "./image_writer.ts";
 *
 * const writer = createImageWriter((chunk) => process.stdout.write(chunk), "ndjson");
 * writer.write({ id: "1", captured_at: 0 });
 * writer.close();
 * ```
 */
export function createImageWriter(write: (chunk: string) => void, format: ImageFormat): ImageWriter {
  let count = 0;
  let closed = false;
  if (format === "geojson") write('{"type":"FeatureCollection","features":[\n');
  return {
    write(image: MapillaryImage): void {
      if (closed) return;
      if (format === "ndjson") {
        write(`${JSON.stringify(image)}\n`);
      } else {
        const { geometry, ...properties } = image;
        const feature = { type: "Feature", id: image.id, geometry: geometry ?? null, properties };
        write(`${count === 0 ? "" : ",\n"}${JSON.stringify(feature)}`);
      }
      count++;
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (format === "geojson") write(`${count === 0 ? "" : "\n"}]}\n`);
    },
  };
}
