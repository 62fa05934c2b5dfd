import { GeoJSONVT, type GeoJSONVTTile } from "@maplibre/geojson-vt";
import type { Feature, FeatureCollection } from "geojson";
import Point from "@mapbox/point-geometry";
import { fromGeojsonVt, fromVectorTileJs } from "@maplibre/vt-pbf";
import type { Dataset, SandboxImage } from "../dataset.ts";

/** The zoom levels of the `mly1_public` layers, as Mapillary serves them. */
const OVERVIEW_MAX_ZOOM = 5;
const IMAGE_MIN_ZOOM = 14;

/** The three layers of Mapillary's `mly1_public` / `mly1_computed_public` tiles, each with its tile index. */
interface CoverageIndex {
  /** `overview`: one point per image, zoom 0–5. */
  overview: GeoJSONVT;
  /** `sequence`: one line per sequence, zoom 6 and up. */
  sequence: GeoJSONVT;
  /** `image`: one point per image with its properties, zoom 14 and up. */
  image: GeoJSONVT;
}

const indexes = new WeakMap<Dataset, CoverageIndex>();

/**
 * A Mapbox Vector Tile (version 2, extent 4096) of the data set's coverage, encoded by
 * `@maplibre/vt-pbf` from `@maplibre/geojson-vt` tile indexes, with Mapillary's layers and
 * properties: `overview` (zoom ≤ 5), `sequence` (zoom ≥ 6) and `image` (zoom ≥ 14, with `id`,
 * `captured_at`, `compass_angle`, `sequence_id`, `creator_id`, `is_pano`).
 */
export function coverageTile(dataset: Dataset, z: number, x: number, y: number): Uint8Array {
  const index = indexFor(dataset);
  const layers: Record<string, GeoJSONVTTile> = {};
  const add = (name: keyof CoverageIndex): void => {
    const tile = index[name].getTile(z, x, y);
    if (tile !== null && tile.features.length > 0) layers[name] = tile;
  };
  if (z <= OVERVIEW_MAX_ZOOM) add("overview");
  else add("sequence");
  if (z >= IMAGE_MIN_ZOOM) add("image");
  return fromGeojsonVt(layers, { version: 2, extent: 4096 });
}

/** A valid tile without features, for the layers the sandbox has no data for (map features). */
export function emptyVectorTile(): Uint8Array {
  return fromGeojsonVt({}, { version: 2, extent: 4096 });
}

/**
 * A Mapbox Vector Tile with one layer `mpy-or` (version 2, extent 4096) holding one polygon
 * feature: the rectangle `[x0, y0, x1, y1]` in tile coordinates. This is how Mapillary v4 sends a
 * detection's `geometry` (base64 of these bytes), in image coordinates scaled to 0–4096.
 */
export function detectionPolygonTile([x0, y0, x1, y1]: readonly [number, number, number, number]): Uint8Array {
  const ring = [new Point(x0, y0), new Point(x1, y0), new Point(x1, y1), new Point(x0, y1), new Point(x0, y0)];
  const feature = { type: 3 as const, id: 1, properties: {}, extent: 4096, loadGeometry: (): Point[][] => [ring] };
  const layer = { name: "mpy-or", version: 2, extent: 4096, length: 1, feature: (): typeof feature => feature };
  return fromVectorTileJs({ layers: { "mpy-or": layer } });
}

function indexFor(dataset: Dataset): CoverageIndex {
  let index = indexes.get(dataset);
  if (index === undefined) {
    const options = { maxZoom: 22, indexMaxZoom: 5, extent: 4096, buffer: 64, tolerance: 3 };
    index = {
      overview: new GeoJSONVT(points(dataset.images, overviewProperties), options),
      sequence: new GeoJSONVT(sequences(dataset.images), options),
      image: new GeoJSONVT(points(dataset.images, imageProperties), options),
    };
    indexes.set(dataset, index);
  }
  return index;
}

function imageProperties(image: SandboxImage): Record<string, string | number | boolean> {
  return {
    id: Number(image.id),
    captured_at: image.captured_at,
    compass_angle: image.compass_angle,
    sequence_id: image.sequence,
    creator_id: idValue(image.creator.id),
    is_pano: image.is_pano,
  };
}

function overviewProperties(image: SandboxImage): Record<string, string | number | boolean> {
  return { id: Number(image.id), captured_at: image.captured_at, creator_id: idValue(image.creator.id), is_pano: image.is_pano };
}

function points(images: readonly SandboxImage[], properties: (image: SandboxImage) => Record<string, string | number | boolean>): FeatureCollection {
  return {
    type: "FeatureCollection",
    features: images.map((image) => ({ type: "Feature", properties: properties(image), geometry: image.geometry })),
  };
}

function sequences(images: readonly SandboxImage[]): FeatureCollection {
  const bySequence = new Map<string, SandboxImage[]>();
  for (const image of images) {
    const list = bySequence.get(image.sequence) ?? [];
    list.push(image);
    bySequence.set(image.sequence, list);
  }
  const features: Feature[] = [];
  for (const [id, list] of bySequence) {
    const ordered = [...list].sort((a, b) => a.captured_at - b.captured_at);
    const first = ordered[0];
    if (first === undefined || ordered.length < 2) continue;
    features.push({
      type: "Feature",
      properties: { id, image_id: Number(first.id), captured_at: first.captured_at, creator_id: idValue(first.creator.id), is_pano: first.is_pano },
      geometry: { type: "LineString", coordinates: ordered.map((image) => image.geometry.coordinates) },
    });
  }
  return { type: "FeatureCollection", features };
}

/** Mapillary's tiles carry numeric ids as integers; a custom non-numeric sandbox user id stays a string. */
function idValue(id: string): string | number {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}
