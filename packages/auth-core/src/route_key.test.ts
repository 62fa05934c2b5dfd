import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapillary, mapillaryProfile } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq, mapiqProfile } from "./mapiq.ts";
import { policyOfKey, rateLimitKeys, rateLimitTargets, routeTemplate } from "./route_key.ts";

const ID_LIKE = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

describe("routeTemplate", () => {
  it("matches the profile's route table, most literal segments first", () => {
    expect(routeTemplate(mapiq, "get", "https://api.mapiq.com/v2/buildings/42?x=1")).toBe("GET /v2/buildings/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/buildings")).toBe("GET /v2/buildings");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/me?fields=id")).toBe("GET /me");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/123456789")).toBe("GET /{id}");
    expect(routeTemplate(mapillary, "GET", "https://graph.mapillary.com/123456/detections")).toBe("GET /{id}/detections");
  });

  it("replaces id-like segments of unknown routes", () => {
    expect(routeTemplate(mapiq, "POST", "https://api.mapiq.com/v2/desks/123e4567-e89b-12d3-a456-426614174000/book")).toBe("POST /v2/desks/{id}/book");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/floors/7/desks")).toBe("GET /v2/floors/{id}/desks");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/blobs/deadbeefdeadbeef00")).toBe("GET /v2/blobs/{id}");
    expect(routeTemplate(mapiq, "GET", "https://api.mapiq.com/v2/blobs/beef")).toBe("GET /v2/blobs/beef");
  });

  it("strips a base path (sandbox profiles) and reads relative URLs against it", () => {
    expect(routeTemplate(mapiqProfile({ apiBaseUrl: "http://127.0.0.1:9/mapiq/api/" }), "GET", "http://127.0.0.1:9/mapiq/api/v2/users/7")).toBe("GET /v2/users/{id}");
    expect(routeTemplate(mapiq, "GET", "/v2/users/5")).toBe("GET /v2/users/{id}");
    expect(routeTemplate(mapiq, "GET", "https://elsewhere.example/x/5")).toBe("GET /x/{id}");
  });

  it("property: every id-like segment becomes {id}, other segments stay, the query never counts", () => {
    const segment = fc.oneof(fc.nat().map(String), fc.uuid(), fc.stringMatching(/^[a-z]{1,8}$/));
    const profile = mapiqProfile({ apiBaseUrl: "https://h.example" });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.string(), (segments, query) => {
        const template = routeTemplate(profile, "DELETE", `https://h.example/${segments.join("/")}?q=${encodeURIComponent(query)}`);
        expect(template).toBe(`DELETE /${segments.map((s) => (ID_LIKE.test(s) ? "{id}" : s)).join("/")}`);
      }),
    );
  });
});

describe("rateLimitTargets / rateLimitKeys / policyOfKey", () => {
  it("one key per applicable policy: per endpoint for Mapiq, per app for Mapillary graph and tiles", () => {
    expect(rateLimitKeys(mapiq, "GET", "https://api.mapiq.com/v2/buildings/42")).toEqual(["mapiq:endpoint:GET /v2/buildings/{id}"]);
    expect(rateLimitKeys(mapillary, "GET", "https://graph.mapillary.com/images?bbox=1,2,3,4")).toEqual(["mapillary:graph"]);
    expect(rateLimitKeys(mapillary, "GET", "https://tiles.mapillary.com/maps/vtp/mly1_public/2/1/2/3?access_token=x")).toEqual(["mapillary:tiles"]);
    expect(rateLimitKeys(mapillaryV2, "GET", "https://a.mapillary.com/v2/me")).toEqual([]);
    const local = mapillaryProfile({ tilesBaseUrl: "http://127.0.0.1:1/tiles" });
    const tiles = local.rateLimits.find((p) => p.name === "tiles");
    expect(rateLimitTargets(local, "GET", "http://127.0.0.1:1/tiles/a/1/2/3")).toEqual([{ policy: tiles, key: "mapillary:tiles" }]);
  });

  it("maps a key back to its policy", () => {
    expect(policyOfKey(mapiq, "mapiq:endpoint:GET /v2/buildings/{id}")?.limit).toBe(20);
    expect(policyOfKey(mapillary, "mapillary:tiles")?.windowMs).toBe(86_400_000);
    expect(policyOfKey(mapillary, "mapiq:endpoint:GET /x")).toBeUndefined();
    expect(policyOfKey(mapiq, "mapiq:nope")).toBeUndefined();
  });
});
