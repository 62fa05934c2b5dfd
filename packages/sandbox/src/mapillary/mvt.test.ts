import { describe, expect, it } from "vitest";
import { emptyVectorTile } from "./mvt.ts";

describe("emptyVectorTile", () => {
  it("encodes Tile{layers:[{name, extent: 4096, version: 2}]}", () => {
    const name = "mly1_public";
    const bytes = emptyVectorTile(name);
    const layerLen = 2 + name.length + 3 + 2;
    expect([...bytes]).toEqual([0x1a, layerLen, 0x0a, name.length, ...new TextEncoder().encode(name), 0x28, 0x80, 0x20, 0x78, 0x02]);
  });
});
