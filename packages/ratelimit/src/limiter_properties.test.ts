import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createManualClock } from "@mly/auth-core/testing";
import { shapeCounter, SERVER_SHAPES } from "./_test_shapes.ts";
import { createRateLimiter, type RateLimitMode } from "./local_limiter.ts";

interface Arrival {
  gap: number;
  rtt: number;
  cancel: boolean;
  at: number;
}

interface Record {
  grant: number;
  settle: number;
  cancelled: boolean;
  /** Where in [grant, settle] the server counted it (0..1). */
  where: number;
}

const N = 4;
const W = 1000;
/** 1 % of W: the even mode's default margin. */
const MARGIN = 10;

/** Runs an arrival pattern through a limiter on manual time (margin `MARGIN`, or the limiter's default) and returns what happened to each request. */
async function simulate(mode: RateLimitMode, arrivals: readonly Arrival[], margin: "default" | number = MARGIN): Promise<Record[]> {
  const time = createManualClock(0);
  const limiter = createRateLimiter({ limit: N, windowMs: W, mode, clock: time, maxQueue: 10_000, ...(margin === "default" ? {} : { marginMs: margin }) });
  if (limiter.marginMs !== MARGIN) throw new Error(`the properties assume a margin of ${MARGIN} ms, the limiter has ${limiter.marginMs}`);
  const records: Record[] = [];
  let t = 0;
  for (const arrival of arrivals) {
    t += arrival.gap;
    time.setTimeout(() => {
      void limiter.acquire("k").then((permit) => {
        const record: Record = { grant: time.now(), settle: Number.NaN, cancelled: arrival.cancel, where: arrival.at };
        records.push(record);
        if (arrival.cancel) {
          permit.cancel();
          return;
        }
        time.setTimeout(() => {
          record.settle = time.now();
          permit.settle({ status: 200 });
        }, arrival.rtt);
      });
    }, t);
  }
  await time.tick(t + (arrivals.length + 2) * (W + MARGIN + 300));
  return records;
}

const arrivals = (maxRtt: number): fc.Arbitrary<Arrival[]> =>
  fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })),
      rtt: fc.integer({ min: 0, max: maxRtt }),
      cancel: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 30 },
  );

/** The most requests whose [grant, settle] interval meets any window [t, t + W). */
function maxPerWindow(records: readonly Record[]): number {
  const sent = records.filter((r) => !r.cancelled);
  let most = 0;
  const starts = sent.flatMap((r) => [r.settle, r.grant - W + 0.001]);
  for (const t of starts) {
    const count = sent.filter((r) => r.settle >= t && r.grant < t + W).length;
    most = Math.max(most, count);
  }
  return most;
}

describe("properties", () => {
  for (const mode of ["burst", "even"] as const) {
    it(`${mode}: every request is granted once and no window of W ms meets more than N requests`, async () => {
      await fc.assert(
        fc.asyncProperty(arrivals(300), async (pattern) => {
          const records = await simulate(mode, pattern);
          expect(records).toHaveLength(pattern.length);
          expect(records.every((r) => r.cancelled || Number.isFinite(r.settle))).toBe(true);
          expect(maxPerWindow(records)).toBeLessThanOrEqual(N);
        }),
        { numRuns: 60 },
      );
    });

    it(`${mode}: exact sliding-log and fixed-window servers never reject, wherever in flight they count`, async () => {
      await fc.assert(
        fc.asyncProperty(arrivals(300), async (pattern) => {
          const records = await simulate(mode, pattern);
          const serverTimes = records
            .filter((r) => !r.cancelled)
            .map((r) => r.grant + r.where * (r.settle - r.grant))
            .sort((a, b) => a - b);
          for (const shape of ["sliding-log", "fixed-window"] as const) {
            const server = shapeCounter(shape, N, W);
            expect(serverTimes.filter((s) => !server.hit(s))).toEqual([]);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("even: consecutive sent requests are the spacing apart (less timer rounding)", async () => {
    // Timers fire on whole milliseconds; a waiter granted late keeps the slot it was due, so the
    // next one may come up to 1 ms less than the spacing after the late one, never more than that.
    const spacing = (W + MARGIN) / N - 1;
    await fc.assert(
      fc.asyncProperty(arrivals(600), async (pattern) => {
        const records = await simulate("even", pattern);
        const sent = records.filter((r) => !r.cancelled);
        for (let i = 1; i < sent.length; i += 1) expect(sent[i]!.grant - sent[i - 1]!.grant).toBeGreaterThanOrEqual(spacing - 1e-9);
      }),
      { numRuns: 60 },
    );
  });

  it("even, default margin (1 % of the window): no server shape rejects (weighted included) while the delay to the server varies less than the margin", async () => {
    await fc.assert(
      fc.asyncProperty(arrivals(MARGIN / 2), async (pattern) => {
        const records = await simulate("even", pattern, "default");
        const serverTimes = records
          .filter((r) => !r.cancelled)
          .map((r) => r.grant + r.where * (r.settle - r.grant))
          .sort((a, b) => a - b);
        for (const shape of SERVER_SHAPES) {
          const server = shapeCounter(shape, N, W);
          expect(serverTimes.filter((s) => !server.hit(s)), shape).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("burst: a weighted server does reject a burst after a burst (why even is the default)", async () => {
    const records = await simulate(
      "burst",
      Array.from({ length: 2 * N }, () => ({ gap: 0, rtt: 0, cancel: false, at: 0 })),
    );
    const server = shapeCounter("weighted", N, W);
    const rejected = records.map((r) => r.grant).filter((s) => !server.hit(s + 500));
    expect(rejected.length).toBeGreaterThan(0);
  });
});

describe("the sliding log (drop and compaction)", () => {
  it("burst: slots and waitMs match a plain model of settled times under any sequence", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 60 }), settles: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 200 }),
        async (steps) => {
          const time = createManualClock(0);
          const limiter = createRateLimiter({ limit: 3, windowMs: 100, marginMs: 0, mode: "burst", clock: time, settleTimeoutMs: 1e9 });
          const settled: number[] = [];
          for (const step of steps) {
            await time.tick(step.gap);
            for (let i = 0; i < step.settles; i += 1) {
              const now = time.now();
              const inWindow = settled.filter((t) => t > now - 100);
              if (inWindow.length >= 3) break;
              (await limiter.acquire("k")).settle();
              settled.push(now);
            }
            const now = time.now();
            const model = settled.filter((t) => t > now - 100);
            const stats = limiter.stats("k");
            expect(stats.slots).toBe(model.length);
            expect(stats.waitMs).toBe(model.length >= 3 ? model[model.length - 3]! + 100 - now : 0);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
