// Seed 001's `GET /{image_id}/detections?fields=id,value,created_at`, end to end through the SDK
// against the sandbox.
import { ConfigError, GraphApiError } from "@mly/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInStore, startWorld, type TestWorld } from "./_test_helpers.ts";
import { createApiClient, type ApiClient } from "./api_client.ts";
import { getDetections, type MapillaryDetection } from "./mapillary_detections.ts";
import { iterateImages } from "./mapillary_images.ts";

let world: TestWorld;
let appApi: ApiClient;
/** Images of the sandbox's data set with at least one detection, and their detections. */
const found: { imageId: string; detections: MapillaryDetection[] }[] = [];

beforeAll(async () => {
  world = await startWorld({ datasetSize: 300 });
  appApi = createApiClient({ profile: world.mapillary, client: world.mlyClient, useClientToken: true });
  for await (const image of iterateImages(appApi.ky, { bbox: [-180, -90, 180, 90], limit: 20 })) {
    const detections = await getDetections(appApi.ky, image.id, { fields: ["id", "value", "created_at"] });
    if (detections.length > 0) found.push({ imageId: image.id, detections });
  }
});
afterAll(async () => {
  await world.sandbox.close();
});

describe("getDetections against the sandbox", () => {
  it("runs seed 001's example with the client token: id, value and created_at of each detection", () => {
    expect(found.length).toBeGreaterThan(0);
    for (const { detections } of found) {
      for (const detection of detections) {
        expect(Object.keys(detection)).toEqual(["id", "value", "created_at"]);
        expect(detection.value).toMatch(/^[a-z]+--/);
        expect(detection.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      }
    }
    expect(world.sandbox.log.count({ route: "/mapillary/graph/{image_id}/detections", status: 200, credential: "client-token" })).toBe(20);
  });

  it("asks for the seed's fields by default, and for geometry and image on request", async () => {
    const { imageId, detections } = found[0]!;
    expect(await getDetections(appApi.ky, imageId)).toEqual(detections);
    const full = await getDetections(appApi.ky, imageId, { fields: ["id", "geometry", "image"] });
    expect(full.map((d) => d.id)).toEqual(detections.map((d) => d.id));
    for (const detection of full) {
      expect(detection.image).toEqual({ id: imageId });
      expect(detection.geometry).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it("works with a user token, sent in the OAuth header and never in the URL", async () => {
    const { store } = await loggedInStore(world.mapillary, world.mlyClient);
    const userApi = createApiClient({ profile: world.mapillary, client: world.mlyClient, store });
    const { imageId, detections } = found[0]!;
    expect(await getDetections(userApi.ky, imageId)).toEqual(detections);
    expect(world.sandbox.log.last({ route: "/mapillary/graph/{image_id}/detections" })).toMatchObject({
      status: 200,
      credential: "user-token",
      credentialLocation: "header",
    });
  });

  it("surfaces the sandbox's Graph errors as GraphApiError (unknown field, unknown image)", async () => {
    const { imageId } = found[0]!;
    const badField = await getDetections(appApi.ky, imageId, { fields: ["id", "score"] }).catch((e: unknown) => e);
    expect(badField).toBeInstanceOf(GraphApiError);
    expect((badField as GraphApiError).graphCode).toBe(100);
    const unknown = await getDetections(appApi.ky, "1").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(GraphApiError);
    expect((unknown as GraphApiError).subcode).toBe(33);
  });

  it("refuses a non-numeric image id with ConfigError, before any request", async () => {
    const before = world.sandbox.log.count();
    await expect(getDetections(appApi.ky, "../me")).rejects.toBeInstanceOf(ConfigError);
    await expect(getDetections(appApi.ky, "")).rejects.toThrow(/numeric Mapillary image id/);
    expect(world.sandbox.log.count()).toBe(before);
  });
});
