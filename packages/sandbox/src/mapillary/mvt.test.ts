import { VectorTile, type VectorTileLayer } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { describe, expect, it } from "vitest";
import { generateDataset } from "../dataset.ts";
import { coverageTile, emptyVectorTile } from "./mvt.ts";

const creator = { id: "102030405060708", username: "sandbox-user" };
const dataset = generateDataset(42, 400, creator);

/** The tile at zoom `z` that holds `[lon, lat]` (Web Mercator, XYZ). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [x, y];
}

function decode(bytes: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

function features(layer: VectorTileLayer | undefined): Record<string, number | string | boolean>[] {
  if (layer === undefined) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
}

describe("coverageTile", () => {
  const first = dataset.images[0]!;
  const [lon, lat] = first.geometry.coordinates;

  it("zoom 14: an `image` point per image with Mapillary's properties, and the `sequence` lines", () => {
    const [x, y] = tileOf(lon, lat, 14);
    const tile = decode(coverageTile(dataset, 14, x, y));
    expect(Object.keys(tile.layers).sort()).toEqual(["image", "sequence"]);
    const image = tile.layers["image"]!;
    expect(image.version).toBe(2);
    expect(image.extent).toBe(4096);
    expect(image.feature(0).type).toBe(1); // Point
    const found = features(image).find((p) => String(p["id"]) === first.id);
    expect(found).toEqual({
      id: Number(first.id),
      captured_at: first.captured_at,
      compass_angle: first.compass_angle,
      sequence_id: first.sequence,
      creator_id: Number(creator.id),
      is_pano: first.is_pano,
    });
    expect(tile.layers["sequence"]!.feature(0).type).toBe(2); // LineString
  });

  it("every image of the data set is in the zoom-14 tile that covers it", () => {
    for (const image of dataset.images.slice(0, 80)) {
      const [x, y] = tileOf(...image.geometry.coordinates, 14);
      const ids = features(decode(coverageTile(dataset, 14, x, y)).layers["image"]).map((p) => String(p["id"]));
      expect(ids).toContain(image.id);
    }
  });

  it("zoom 0–5: only `overview` points; zoom 6–13: only `sequence` lines", () => {
    const [x3, y3] = tileOf(lon, lat, 3);
    const overview = decode(coverageTile(dataset, 3, x3, y3));
    expect(Object.keys(overview.layers)).toEqual(["overview"]);
    expect(overview.layers["overview"]!.length).toBe(dataset.images.length);
    const [x10, y10] = tileOf(lon, lat, 10);
    const sequences = decode(coverageTile(dataset, 10, x10, y10));
    expect(Object.keys(sequences.layers)).toEqual(["sequence"]);
    expect(features(sequences.layers["sequence"]).map((p) => p["id"])).toContain(first.sequence);
  });

  it("a tile away from the data set has no layers", () => {
    expect(Object.keys(decode(coverageTile(dataset, 14, 0, 0)).layers)).toEqual([]);
    expect(Object.keys(decode(emptyVectorTile()).layers)).toEqual([]);
  });
});
