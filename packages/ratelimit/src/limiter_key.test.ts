import { mapillary, mapillaryProfile, mapillaryV2, mapiq, mapiqProfile } from "@mly/auth-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { limiterKey, limiterKeys } from "./limiter_key.ts";
import { _isIdLike, routeTemplate } from "./route_template.ts";

describe("routeTemplate", () => {
  it("matches the profile's route table, most literal segments first", () => {
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42?fields=a")).toBe("/v2/buildings/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings")).toBe("/v2/buildings");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/me?fields=id")).toBe("/me");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/123456789")).toBe("/{id}");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/123/detections")).toBe("/{id}/detections");
  });

  it("replaces id-like segments of unknown routes", () => {
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/floors/7/desks")).toBe("/v2/floors/{id}/desks");
    expect(routeTemplate(mapiq, "POST", "https://api.mapiq.com/v2/buildings/42")).toBe("/v2/buildings/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/users/0b7e8a8c-3d4f-4a71-9b1e-2f0c5e6d7a8b")).toBe("/v2/users/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/blobs/deadbeefdeadbeef00")).toBe("/v2/blobs/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/blobs/beef")).toBe("/v2/blobs/beef");
  });

  it("strips a base path (sandbox profiles) and accepts relative URLs", () => {
    const local = mapiqProfile({ apiBaseUrl: "http://127.0.0.1:8080/mapiq/api/" });
    expect(routeTemplate(local, "GET", "http://127.0.0.1:8080/mapiq/api/v2/buildings/9")).toBe("/v2/buildings/{id}");
    expect(routeTemplate(mapiq, "GET", "/v2/users/5")).toBe("/v2/users/{id}");
    expect(routeTemplate(mapiq, "GET", "https://elsewhere.example/x/5")).toBe("/x/{id}");
  });

  it("property: every id-like segment becomes {id}, other segments stay", () => {
    const segment = fc.oneof(fc.nat().map(String), fc.uuid(), fc.stringMatching(/^[a-z]{1,8}$/));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const template = routeTemplate(mapiqProfile({ apiBaseUrl: "https://h.example" }), "DELETE", `https://h.example/${segments.join("/")}`);
        const expected = segments.map((s) => (_isIdLike(s) ? "{id}" : s)).join("/");
        expect(template).toBe(`/${expected}`);
        expect(template.includes("?")).toBe(false);
      }),
    );
  });
});

describe("limiterKey", () => {
  it("keys Mapiq per endpoint and Mapillary per app, tiles apart", () => {
    expect(limiterKey(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42")).toBe("GET /v2/buildings/{id}");
    expect(limiterKey(mapillary, "GET", "https://graph.mapillary.com/images?bbox=1,2,3,4")).toBe("mapillary:graph");
    expect(limiterKey(mapillary, "GET", "https://tiles.mapillary.com/maps/vtp/mly1_public/2/14/1/2?access_token=x")).toBe("mapillary:tiles");
    expect(limiterKey(mapillaryV2, "GET", "https://a.mapillary.com/v2/me")).toBeUndefined();
    const tiles = mapillary.rateLimits.find((p) => p.name === "tiles")!;
    expect(limiterKey(mapillary, "GET", "https://graph.mapillary.com/me", tiles)).toBeUndefined();
    expect(limiterKeys(mapillaryProfile({ tilesBaseUrl: "http://127.0.0.1:1/tiles" }), "GET", "http://127.0.0.1:1/tiles/a/1/2/3")).toEqual([
      { policy: tiles, key: "mapillary:tiles" },
    ]);
  });
});
