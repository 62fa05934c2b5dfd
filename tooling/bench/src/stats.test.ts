import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goalLine, median, pairedRatio, seededRandom, shuffled, verdict } from "./stats.ts";

describe("median", () => {
  it("takes the middle value of an odd count, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([5])).toBe(5);
    expect(median([10, -1, 7, 7, 0])).toBe(7);
  });

  it("takes the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, 100])).toBe(50.5);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("refuses no values and values that are not finite numbers", () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(/finite/);
    expect(() => median([Infinity])).toThrow(/finite/);
  });

  it("has as many values at or below it as at or above it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }), (values) => {
        const m = median(values);
        expect(values.filter((v) => v <= m).length).toBeGreaterThanOrEqual(values.length / 2);
        expect(values.filter((v) => v >= m).length).toBeGreaterThanOrEqual(values.length / 2);
      }),
    );
  });
});

describe("pairedRatio", () => {
  it("is the median of the ratios round by round, not the ratio of the medians", () => {
    // Load doubles in round 2 and triples in round 3: every round says 1.1, the medians 110 / 200 = 0.55.
    expect(pairedRatio([110, 220, 330], [100, 200, 300])).toBeCloseTo(1.1, 12);
    expect(pairedRatio([90, 300, 120, 150], [100, 200, 100, 100])).toBeCloseTo(1.35, 12);
  });

  it("refuses lists of different lengths, empty lists and figures that are not positive", () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/2 rounds against 1/);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
    expect(() => pairedRatio([1], [0])).toThrow(/positive/);
    expect(() => pairedRatio([Number.NaN], [1])).toThrow(/positive/);
  });

  it("is 1 for a contender against itself and inverts when the two swap", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 15 }).filter((pairs) => pairs.length % 2 === 1), (pairs) => {
        const a = pairs.map(([x]) => x);
        const b = pairs.map(([, y]) => y);
        expect(pairedRatio(a, a)).toBe(1);
        expect(pairedRatio(a, b) * pairedRatio(b, a)).toBeCloseTo(1, 9);
      }),
    );
  });
});

describe("verdict", () => {
  it("says met at and inside the bound", () => {
    expect(verdict(1.05, { kind: "atMost", limit: 1.05 })).toBe("met");
    expect(verdict(0.8, { kind: "atMost", limit: 1.05 })).toBe("met");
    expect(verdict(1, { kind: "atLeast", limit: 1 })).toBe("met");
    expect(verdict(2.5, { kind: "atLeast", limit: 1 })).toBe("met");
  });

  it("says by how much, relative to the bound, a ratio misses it", () => {
    expect(verdict(1.1, { kind: "atMost", limit: 1.05 })).toBe("missed by 4.8 %");
    expect(verdict(2, { kind: "atMost", limit: 1 })).toBe("missed by 100.0 %");
    expect(verdict(0.9, { kind: "atLeast", limit: 1 })).toBe("missed by 10.0 %");
  });

  it("prints the figure, the goal and the verdict on one line", () => {
    expect(goalLine("fetch path vs bare fetch", 1.0712, { kind: "atMost", limit: 1.05 })).toBe("fetch path vs bare fetch: 1.07× (goal ≤ 1.05×): missed by 2.0 %");
    expect(goalLine("acquires/s vs peer", 1.2, { kind: "atLeast", limit: 1 })).toBe("acquires/s vs peer: 1.20× (goal ≥ 1.00×): met");
  });
});

describe("seededRandom", () => {
  it("repeats its sequence for one seed, differs for another, and stays in [0, 1)", () => {
    const a = seededRandom(14);
    const b = seededRandom(14);
    const c = seededRandom(15);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(first).size).toBe(100);
  });
});

describe("shuffled", () => {
  it("returns a permutation and leaves the caller's array alone", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 30 }), fc.integer(), (items, seed) => {
        const copy = [...items];
        const order = shuffled(items, seededRandom(seed));
        expect(items).toEqual(copy);
        expect([...order].sort((x, y) => x - y)).toEqual([...items].sort((x, y) => x - y));
      }),
    );
  });

  it("gives every item every predecessor over enough rounds", () => {
    const random = seededRandom(7);
    const predecessors = new Map<string, Set<string>>();
    for (let round = 0; round < 200; round++) {
      const order = shuffled(["a", "b", "c", "d"], random);
      for (let i = 1; i < order.length; i++) {
        const item = order[i] ?? "";
        predecessors.set(item, (predecessors.get(item) ?? new Set<string>()).add(order[i - 1] ?? ""));
      }
    }
    for (const item of ["a", "b", "c", "d"]) expect(predecessors.get(item)?.size).toBe(3);
  });
});
