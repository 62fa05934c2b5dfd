import { describe, expect, it } from "vitest";
import { mapillary } from "./mapillary.ts";
import { mapiq, mapiqProfile } from "./mapiq.ts";
import { rateLimitKeys, routeTemplate } from "./route_key.ts";

describe("routeTemplate / rateLimitKeys", () => {
  it("matches the profile's route table, then replaces id-like segments", () => {
    expect(routeTemplate(mapiq, "get", "https://api.mapiq.com/v2/buildings/42?x=1")).toBe("GET /v2/buildings/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings")).toBe("GET /v2/buildings");
    expect(routeTemplate(mapiq, "POST", "https://api.mapiq.com/v2/desks/123e4567-e89b-12d3-a456-426614174000/book")).toBe("POST /v2/desks/{id}/book");
    expect(routeTemplate(mapiqProfile({ apiBaseUrl: "http://127.0.0.1:9/mapiq" }), "GET", "http://127.0.0.1:9/mapiq/v2/users/7")).toBe("GET /v2/users/{id}");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/123456/detections")).toBe("GET /{id}/detections");
  });

  it("one key per applicable policy: per endpoint for Mapiq, per app for Mapillary graph and tiles", () => {
    expect(rateLimitKeys(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42")).toEqual(["mapiq:endpoint:GET /v2/buildings/{id}"]);
    expect(rateLimitKeys(mapillary, "GET", "https://graph.mapillary.com/images?bbox=1,2,3,4")).toEqual(["mapillary:graph"]);
    expect(rateLimitKeys(mapillary, "GET", "https://tiles.mapillary.com/maps/vtp/mly1_public/2/1/2/3")).toEqual(["mapillary:tiles"]);
  });
});
