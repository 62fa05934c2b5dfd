import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBbox } from "./bbox.ts";
import { CliError } from "./cli_error.ts";

describe("parseBbox", () => {
  it("reads back every valid box it is given", () => {
    const box = fc
      .tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }))
      .map(([a, b, c, d]) => [Math.min(a, b), Math.min(c, d), Math.max(a, b), Math.max(c, d)].map((x) => x.toFixed(6)))
      .filter(([w, s, e, n]) => Number(w) < Number(e) && Number(s) < Number(n));
    fc.assert(
      fc.property(box, (b) => {
        expect(parseBbox(b.join(",")).map((x) => x.toFixed(6))).toEqual(b.map((x) => (x === "-0.000000" ? "0.000000" : x)));
      }),
    );
  });

  it("returns a valid box or throws a usage error, for any text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.oneof(fc.double(), fc.integer()).map(String), { maxLength: 6 }).map((a) => a.join(","))), (text) => {
        try {
          const [w, s, e, n] = parseBbox(text);
          expect(w).toBeLessThan(e);
          expect(s).toBeLessThan(n);
          expect(w).toBeGreaterThanOrEqual(-180);
          expect(n).toBeLessThanOrEqual(90);
        } catch (error) {
          expect(error).toBeInstanceOf(CliError);
          expect((error as CliError).exitCode).toBe(1);
        }
      }),
    );
  });

  it("examples", () => {
    expect(parseBbox("-89.41,43.06,-89.39,43.08")).toEqual([-89.41, 43.06, -89.39, 43.08]);
    expect(() => parseBbox("1,2,1,3")).toThrow(/west must be less than east/);
    expect(() => parseBbox("0,0,200,1")).toThrow(/out of range/);
    expect(() => parseBbox("a,b,c,d")).toThrow(/not four numbers/);
  });
});
