import { describe, expect, it } from "vitest";
import { DATASET_BBOX, generateDataset, inBBox } from "./dataset.ts";

const creator = { id: "1", username: "u" };

describe("generateDataset", () => {
  it("is deterministic per seed, sorted by unique ids, inside the box", () => {
    const a = generateDataset(7, 2000, creator);
    const b = generateDataset(7, 2000, creator);
    expect(a.images).toEqual(b.images);
    expect(generateDataset(8, 2000, creator).images).not.toEqual(a.images);
    const ids = a.images.map((i) => BigInt(i.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(a.images.every((img) => inBBox(img, DATASET_BBOX))).toBe(true);
    expect(a.byId(a.images[5]!.id)).toBe(a.images[5]);
  });
});
