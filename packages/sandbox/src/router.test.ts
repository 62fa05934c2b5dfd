import { describe, expect, it } from "vitest";
import type { Route } from "./http_types.ts";
import { apiForPath, matchRoute } from "./router.ts";

const ok = (): { status: number; headers: Record<string, string>; body: string } => ({ status: 200, headers: {}, body: "" });
const routes: Route[] = [
  { method: "GET", template: "/mapillary/graph/me", api: "mapillary", handler: ok },
  { method: "GET", template: "/mapillary/graph/{image_id}", api: "mapillary", handler: ok },
  { method: "POST", template: "/mapillary/graph/token", api: "mapillary", handler: ok },
];

describe("matchRoute", () => {
  it("prefers earlier literal routes and extracts params", () => {
    const me = matchRoute(routes, "GET", "/mapillary/graph/me");
    expect(me.kind === "found" && me.route.template).toBe("/mapillary/graph/me");
    const img = matchRoute(routes, "GET", "/mapillary/graph/123");
    expect(img.kind === "found" && img.params).toEqual({ image_id: "123" });
  });

  it("reports method-not-allowed with the allowed methods", () => {
    const m = matchRoute(routes, "DELETE", "/mapillary/graph/token");
    expect(m).toMatchObject({ kind: "method-not-allowed", allow: ["GET", "POST"] });
  });

  it("reports not-found with the API owning the prefix", () => {
    expect(matchRoute(routes, "GET", "/mapillary/graph/a/b")).toEqual({ kind: "not-found", api: "mapillary" });
    expect(apiForPath("/mapillary-v2/v2/me")).toBe("mapillary-v2");
    expect(apiForPath("/mapiq/api")).toBe("mapiq");
    expect(apiForPath("/other")).toBe("none");
  });
});
