import fc from "fast-check";
import { expect, it } from "vitest";
import { _Ring } from "./_ring.ts";

it("behaves like an array queue under any push/drop sequence", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }).map((n) => ({ push: n })), fc.integer({ min: 0, max: 100 }).map((n) => ({ drop: n })))), (ops) => {
      const ring = new _Ring(4);
      const model: number[] = [];
      let next = 0;
      for (const op of ops) {
        if ("push" in op) {
          next += op.push;
          ring.push(next);
          model.push(next);
        } else {
          while (model.length > 0 && model[0]! <= op.drop + next - 100) model.shift();
          ring.dropUpTo(op.drop + next - 100);
        }
        expect(ring.size).toBe(model.length);
        expect(ring.last()).toBe(model.length === 0 ? Number.NEGATIVE_INFINITY : model[model.length - 1]);
        for (let i = 0; i < model.length; i += 1) expect(ring.at(i)).toBe(model[i]);
      }
    }),
  );
});
