import { describe, expect, it } from "vitest";
import { createFaultRegistry } from "./faults.ts";

const target = { method: "GET", path: "/mapiq/api/v2/buildings/b1", route: "/mapiq/api/v2/buildings/{id}", api: "mapiq" as const };

describe("fault registry", () => {
  it("is one-shot by default, N times or persistent", () => {
    const reg = createFaultRegistry();
    const once = reg.inject({ route: "/mapiq/api/v2/buildings/{id}", fault: { kind: "status", status: 503 } });
    const twice = reg.inject({ method: "get", fault: { kind: "latency", ms: 5 }, times: 2 });
    const always = reg.inject({ route: (t) => t.api === "mapiq", fault: { kind: "malformed-json" }, times: Infinity });
    expect(reg.take(target).map((f) => f.kind)).toEqual(["status", "latency", "malformed-json"]);
    expect(reg.take(target).map((f) => f.kind)).toEqual(["latency", "malformed-json"]);
    expect(reg.take(target).map((f) => f.kind)).toEqual(["malformed-json"]);
    expect([once.remaining, twice.hits, always.hits]).toEqual([0, 2, 3]);
    always.remove();
    expect(reg.take(target)).toEqual([]);
  });

  it("matches a literal path, method and api", () => {
    const reg = createFaultRegistry();
    reg.inject({ route: "/mapiq/api/v2/buildings/b1", method: "POST", fault: { kind: "reset" } });
    expect(reg.take(target)).toEqual([]);
    reg.clear();
    reg.inject({ api: "mapillary", fault: { kind: "reset" } });
    expect(reg.take(target)).toEqual([]);
    expect(reg.active()).toHaveLength(1);
    expect(() => reg.inject({ fault: { kind: "reset" }, times: 0 })).toThrow(RangeError);
  });
});
