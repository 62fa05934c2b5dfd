import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, v4Code, v4Token } from "../_test_helpers.ts";
import { DETECTION_VALUES } from "../detections.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";
import { detectionPolygonTile } from "./mvt.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox({ datasetSize: 200 });
});
afterEach(() => sb.close());

interface Detection {
  id: string;
  value?: string;
  created_at?: string;
  geometry?: string;
  image?: { id: string };
}
const api = (path: string): string => `${sb.endpoints.mapillary.apiBaseUrl}${path}`;
const clientToken = (): string => encodeURIComponent(sb.credentials.mapillary.clientToken);

/** Ids of the first `n` images of the data set. */
async function imageIds(n: number): Promise<string[]> {
  const res = await get(api(`/images?bbox=-180,-90,180,90&limit=${n}&access_token=${clientToken()}`));
  return ((await res.json()) as { data: { id: string }[] }).data.map((i) => i.id);
}

describe("v4 GET /{image_id}/detections", () => {
  it("answers seed 001's example literally (client token in the URL): id, value, created_at only", async () => {
    const ids = await imageIds(30);
    let total = 0;
    for (const imageId of ids) {
      const res = await get(api(`/${imageId}/detections?fields=id,value,created_at&access_token=${clientToken()}`));
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: Detection[] };
      for (const detection of data) {
        expect(Object.keys(detection)).toEqual(["id", "value", "created_at"]);
        expect(detection.id).toMatch(/^\d+$/);
        expect(DETECTION_VALUES).toContain(detection.value);
        expect(detection.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      }
      total += data.length;
    }
    expect(total).toBeGreaterThan(0);
    expect(sb.log.last()).toMatchObject({ route: "/mapillary/graph/{image_id}/detections", credential: "client-token", credentialLocation: "url" });
  });

  it("is deterministic across starts, takes a user token in the OAuth header, and serves geometry and image", async () => {
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const fields = "id,value,created_at,geometry,image";
    let imageId = "";
    let first: { data: Detection[] } = { data: [] };
    for (const id of await imageIds(30)) {
      imageId = id;
      first = (await (await get(api(`/${id}/detections?fields=${fields}`), { authorization: `OAuth ${access_token}` })).json()) as { data: Detection[] };
      if (first.data.length > 0) break;
    }
    expect(first.data.length).toBeGreaterThan(0);
    expect(sb.log.last()).toMatchObject({ credential: "user-token", credentialLocation: "header", status: 200 });
    const again = await startSandbox({ datasetSize: 200 });
    try {
      const second: unknown = await (await get(`${again.endpoints.mapillary.apiBaseUrl}/${imageId}/detections?fields=${fields}&access_token=${encodeURIComponent(again.credentials.mapillary.clientToken)}`)).json();
      expect(second).toEqual(first);
    } finally {
      await again.close();
    }
    for (const detection of first.data) {
      expect(detection.image).toEqual({ id: imageId });
      // A base64 Mapbox Vector Tile: Tile.layers (field 3) holding layer "mpy-or".
      const bytes = Buffer.from(detection.geometry ?? "", "base64");
      expect(bytes[0]).toBe(0x1a);
      expect(bytes.toString("latin1")).toContain("mpy-or");
    }
  });

  it("always includes id; without fields answers ids only", async () => {
    const ids = await imageIds(30);
    for (const imageId of ids) {
      const { data } = (await (await get(api(`/${imageId}/detections?access_token=${clientToken()}`))).json()) as { data: Detection[] };
      for (const detection of data) expect(Object.keys(detection)).toEqual(["id"]);
    }
  });

  it("answers Graph errors: unknown field (100), unknown image (100/33), no token (190)", async () => {
    const [imageId] = await imageIds(1);
    const badField = await get(api(`/${imageId}/detections?fields=id,score&access_token=${clientToken()}`));
    expect(badField.status).toBe(400);
    expect(await badField.json()).toMatchObject({ error: { code: 100, message: expect.stringContaining("(score) on node type (Detection)") as unknown } });
    const unknown = await get(api(`/1/detections?access_token=${clientToken()}`));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
    const anonymous = await get(api(`/${imageId}/detections`));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 190 } });
  });
});

describe("detectionPolygonTile", () => {
  it("encodes one POLYGON feature, the rectangle, in layer mpy-or (version 2, extent 4096)", () => {
    const tile = new VectorTile(new PbfReader(detectionPolygonTile([1, 2, 3, 5])));
    expect(Object.keys(tile.layers)).toEqual(["mpy-or"]);
    const layer = tile.layers["mpy-or"]!;
    expect([layer.version, layer.extent, layer.length]).toEqual([2, 4096, 1]);
    const feature = layer.feature(0);
    expect(feature.type).toBe(3);
    expect(feature.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y]))).toEqual([
      [
        [1, 2],
        [3, 2],
        [3, 5],
        [1, 5],
        [1, 2],
      ],
    ]);
  });
});
