import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, v4Code, v4Token } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";
import { TILE_LAYERS } from "./tiles.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(() => sb.close());

const tile = (layer: string, token?: string): string =>
  `${sb.endpoints.mapillary.tilesBaseUrl}/maps/vtp/${layer}/2/14/4113/6003${token === undefined ? "" : `?access_token=${encodeURIComponent(token)}`}`;

/** The tile at zoom `z` that holds `[lon, lat]` (Web Mercator, XYZ). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

describe("v4 vector tiles", () => {
  it("serves every layer for the client token in ?access_token= (| percent-encoded)", async () => {
    const [lon, lat] = sb.dataset.images[0]!.geometry.coordinates;
    const [x, y] = tileOf(lon, lat, 14);
    for (const layer of TILE_LAYERS) {
      const res = await get(`${sb.endpoints.mapillary.tilesBaseUrl}/maps/vtp/${layer}/2/14/${x}/${y}?access_token=${encodeURIComponent(sb.credentials.mapillary.clientToken)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-protobuf");
      const tile = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
      // The coverage layers carry the data set's images; the map-feature layers are empty.
      const expected = layer.startsWith("mly1_") ? ["image", "sequence"] : [];
      expect(Object.keys(tile.layers).sort(), layer).toEqual(expected);
    }
    expect(tile("x", "MLY|1|a")).toContain("MLY%7C1%7Ca");
    expect(sb.log.count({ credential: "client-token", credentialLocation: "url" })).toBe(4);
  });

  it("refuses a header token, a user token in the URL, no token, unknown layers and bad coordinates", async () => {
    const header = await get(tile("mly1_public"), { authorization: `OAuth ${sb.credentials.mapillary.clientToken}` });
    expect(header.status).toBe(401);
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const user = await get(tile("mly1_public", access_token));
    expect(user.status).toBe(401);
    expect(await user.json()).toMatchObject({ error: { code: 190 } });
    expect(sb.log.last()).toMatchObject({ credential: "user-token", credentialLocation: "url" });
    expect((await get(tile("mly1_public"))).status).toBe(401);
    expect((await get(tile("nope", sb.credentials.mapillary.clientToken))).status).toBe(404);
    const bad = `${sb.endpoints.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/2/9/0?access_token=${encodeURIComponent(sb.credentials.mapillary.clientToken)}`;
    expect((await get(bad)).status).toBe(400);
  });
});
