import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SlotLog } from "./_slot_log.ts";

/** Everything a log holds, oldest first. */
function contents(log: SlotLog): number[] {
  return Array.from({ length: log.size }, (_, index) => log.at(index));
}

describe("SlotLog", () => {
  it("holds the slots of a plain array model through any mix of appends and drops (growing, wrapping and shrinking its ring)", () => {
    const operation = fc.oneof(
      fc.record({ append: fc.integer({ min: 0, max: 10 }) }), // a settle, this many ms after the previous one
      fc.record({ drop: fc.integer({ min: 0, max: 40 }) }), // the slots older than this many ms leave the window
      fc.record({ burst: fc.integer({ min: 1, max: 40 }) }), // this many settles at once
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const log = new SlotLog();
        let model: number[] = [];
        let time = 0;
        for (const step of operations) {
          if ("append" in step) {
            time += step.append;
            log.append(time);
            model.push(time);
          } else if ("burst" in step) {
            for (let i = 0; i < step.burst; i += 1) log.append(time);
            model.push(...Array.from({ length: step.burst }, () => time));
          } else {
            const until = time - step.drop;
            log.dropUntil(until);
            model = model.filter((slot) => slot > until);
          }
          expect(contents(log)).toEqual(model);
          expect(log.newest).toBe(model.at(-1) ?? -Infinity);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is empty after clear, and fills again", () => {
    const log = new SlotLog();
    for (let time = 0; time < 100; time += 1) log.append(time);
    log.dropUntil(10);
    log.clear();
    expect(log.size).toBe(0);
    expect(log.newest).toBe(-Infinity);
    log.append(5);
    log.append(7);
    expect(contents(log)).toEqual([5, 7]);
  });

  it("keeps the log sorted: a slot appended out of order counts from the newest one", () => {
    const log = new SlotLog();
    log.append(100);
    log.append(90);
    log.append(120);
    expect(contents(log)).toEqual([100, 100, 120]);
    log.dropUntil(100);
    expect(contents(log)).toEqual([120]);
  });
});
