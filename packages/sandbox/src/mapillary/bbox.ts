import type { BBox } from "../dataset.ts";

/** Parses `bbox=west,south,east,north`; `null` if malformed or inverted. */
export function parseBBox(param: string | null): BBox | null {
  if (param === null) return null;
  const parts = param.split(",").map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return null;
  const [w = 0, s = 0, e = 0, n = 0] = parts;
  if (w >= e || s >= n || w < -180 || e > 180 || s < -90 || n > 90) return null;
  return [w, s, e, n];
}
