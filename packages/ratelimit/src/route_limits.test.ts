import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lowerLimit, probedLimit, routeOfKey } from "./route_limits.ts";

const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
const path = fc.array(fc.stringMatching(/^[\w{}.:-]{1,12}$/), { maxLength: 5 }).map((segments) => `/${segments.join("/")}`);
const prefix = fc.array(fc.stringMatching(/^[a-z0-9-]{1,10}$/), { maxLength: 3 });

describe("routeOfKey", () => {
  it("property: the METHOD /template at the end of a key, whatever the prefix", () => {
    fc.assert(
      fc.property(prefix, method, path, (parts, verb, template) => {
        const route = `${verb} ${template}`;
        expect(routeOfKey([...parts, route].join(":"))).toBe(route);
      }),
    );
  });

  it("property: any text gives undefined or a suffix of it that starts with METHOD /", () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const route = routeOfKey(key);
        if (route !== undefined) {
          expect(key.endsWith(route)).toBe(true);
          expect(route).toMatch(/^[A-Z]+ \//);
        }
      }),
    );
  });

  it("keys without a route", () => {
    expect(routeOfKey("mapillary:graph")).toBeUndefined();
    expect(routeOfKey("")).toBeUndefined();
    expect(routeOfKey("mapiq:endpoint:GET /v2/reports/{id}")).toBe("GET /v2/reports/{id}");
  });
});

describe("lowerLimit and probedLimit", () => {
  it("property: a lowered limit is at least 1, below the limit it ran at (when it can be), and at most what was observed", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.integer({ min: 1, max: 1000 }), (observed, current) => {
        const lowered = lowerLimit(observed, current);
        expect(lowered).toBeGreaterThanOrEqual(1);
        expect(lowered).toBeLessThanOrEqual(Math.max(1, current - 1));
        expect(lowered).toBeLessThanOrEqual(Math.max(1, observed));
      }),
    );
  });

  it("property: a probed limit rises by one per step, never falls, never passes the ceiling", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100 }), fc.nat(10_000_000), fc.nat(10_000_000), fc.integer({ min: 1, max: 1_000_000 }), (learned, extra, a, b, step) => {
        const ceiling = learned + extra;
        const [early, late] = a <= b ? [a, b] : [b, a];
        const first = probedLimit(learned, 0, early, ceiling, step);
        const second = probedLimit(learned, 0, late, ceiling, step);
        expect(first).toBeGreaterThanOrEqual(learned);
        expect(second).toBeGreaterThanOrEqual(first);
        expect(second).toBeLessThanOrEqual(ceiling);
        expect(first).toBe(Math.min(ceiling, learned + Math.floor(early / step)));
      }),
    );
  });
});
