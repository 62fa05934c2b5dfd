import { mulberry32 } from "./prng.ts";

/** One generated street-level image, shaped like a Mapillary v4 image entity. */
export interface SandboxImage {
  id: string;
  captured_at: number;
  compass_angle: number;
  geometry: { type: "Point"; coordinates: [number, number] };
  sequence: string;
  is_pano: boolean;
  width: number;
  height: number;
  camera_type: string;
  creator: { id: string; username: string };
}

/** The image fields `?fields=` may select. */
export const IMAGE_FIELDS: readonly (keyof SandboxImage)[] = [
  "id",
  "captured_at",
  "compass_angle",
  "geometry",
  "sequence",
  "is_pano",
  "width",
  "height",
  "camera_type",
  "creator",
];

/** A bounding box `[west, south, east, north]` in degrees. */
export type BBox = readonly [number, number, number, number];

/** Where the data set lies by default: Madison, Wisconsin (the city in the Mapillary help article). */
export const DATASET_BBOX: BBox = [-89.45, 43.03, -89.35, 43.11];

/** A deterministic data set: `size` images in sequences of 40 random walks, sorted by id. */
export interface Dataset {
  readonly images: readonly SandboxImage[];
  byId(id: string): SandboxImage | undefined;
}

/** Generates the data set for `seed`: the same seed always yields the same images. */
export function generateDataset(seed: number, size: number, creator: { id: string; username: string }): Dataset {
  const rand = mulberry32(seed);
  const [w, s, e, n] = DATASET_BBOX;
  const images: SandboxImage[] = [];
  let lon = 0;
  let lat = 0;
  let heading = 0;
  let sequence = "";
  let time = Date.UTC(2021, 0, 1);
  for (let i = 0; i < size; i++) {
    if (i % 40 === 0) {
      lon = w + rand() * (e - w);
      lat = s + rand() * (n - s);
      heading = rand() * 360;
      sequence = sequenceId(rand);
      time += Math.floor(rand() * 30 * 86_400_000);
    }
    heading = (heading + (rand() - 0.5) * 30 + 360) % 360;
    lon = clamp(lon + Math.sin((heading * Math.PI) / 180) * 0.0002, w, e);
    lat = clamp(lat + Math.cos((heading * Math.PI) / 180) * 0.00015, s, n);
    time += 2000;
    const pano = rand() < 0.1;
    images.push({
      id: String(100_000_000_000_000 + i * 104_729 + Math.floor(rand() * 100_000)),
      captured_at: time,
      compass_angle: Math.round(heading * 100) / 100,
      geometry: { type: "Point", coordinates: [round(lon), round(lat)] },
      sequence,
      is_pano: pano,
      width: pano ? 5760 : 4032,
      height: pano ? 2880 : 3024,
      camera_type: pano ? "spherical" : "perspective",
      creator,
    });
  }
  const index = new Map(images.map((img) => [img.id, img]));
  return { images, byId: (id) => index.get(id) };
}

/** Whether `img` lies inside `bbox` (edges included). */
export function inBBox(img: SandboxImage, bbox: BBox): boolean {
  const [lon, lat] = img.geometry.coordinates;
  return lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];
}

function sequenceId(rand: () => number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "";
  for (let i = 0; i < 22; i++) out += alphabet[Math.floor(rand() * alphabet.length)] ?? "a";
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}
