import { describe, expect, it } from "vitest";
import { mulberry32 } from "./prng.ts";
import { RateWindow } from "./rate_window.ts";
import type { RateShape } from "./settings.ts";

/** An independent, literal reading of each shape's rule, used as the oracle. */
function modelAllows(accepted: readonly number[], t: number, shape: RateShape, n: number, w: number): boolean {
  const k = Math.floor(t / w);
  const curr = accepted.filter((a) => Math.floor(a / w) === k).length;
  switch (shape) {
    case "sliding-log":
      return accepted.filter((a) => t - a < w).length < n;
    case "fixed-window":
      return curr < n;
    case "weighted": {
      const prev = accepted.filter((a) => Math.floor(a / w) === k - 1).length;
      return prev * ((w - (t - k * w)) / w) + curr < n;
    }
  }
}

describe("RateWindow against the literal rules", () => {
  for (const shape of ["sliding-log", "fixed-window", "weighted"] as const) {
    it(`${shape}: every decision and every Retry-After wait match the model`, () => {
      const rand = mulberry32(shape.length);
      let rejected = 0;
      for (let run = 0; run < 20; run++) {
        const n = 1 + Math.floor(rand() * 6);
        const w = 100 + Math.floor(rand() * 900);
        const limiter = new RateWindow();
        const accepted: number[] = [];
        let t = Math.floor(rand() * 10_000);
        for (let i = 0; i < 200; i++) {
          t += Math.floor(rand() * (rand() < 0.2 ? w : w / 8));
          const decision = limiter.hit("k", t, shape, n, w);
          expect(decision.allowed).toBe(modelAllows(accepted, t, shape, n, w));
          if (decision.allowed) {
            accepted.push(t);
          } else {
            rejected++;
            // The wait is exact: refused 1 ms earlier, allowed at it.
            const wait = decision.retryAfterMs;
            expect(wait).toBeGreaterThanOrEqual(1);
            expect(modelAllows(accepted, t + wait, shape, n, w)).toBe(true);
            if (wait > 1) expect(modelAllows(accepted, t + wait - 1, shape, n, w)).toBe(false);
          }
        }
      }
      expect(rejected).toBeGreaterThan(200);
    });
  }
});
