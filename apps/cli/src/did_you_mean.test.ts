import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "./did_you_mean.ts";

const COMMANDS = ["demo", "login", "status", "token", "refresh", "me", "logout", "images", "tiles-url", "mapiq"];

describe("didYouMean", () => {
  it("suggests the command behind common typos, and nothing for unrelated words", () => {
    expect(didYouMean("stauts", COMMANDS)).toBe("status");
    expect(didYouMean("imgaes", COMMANDS)).toBe("images");
    expect(didYouMean("logn", COMMANDS)).toBe("login");
    expect(didYouMean("stat", COMMANDS)).toBe("status");
    expect(didYouMean("bogus", COMMANDS)).toBeUndefined();
    expect(didYouMean("", COMMANDS)).toBeUndefined();
  });

  it("property: a known word suggests itself; one deleted letter or one adjacent swap still finds it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), fc.nat(), (word, position) => {
        expect(didYouMean(word, COMMANDS)).toBe(word);
        const i = position % word.length;
        const deleted = word.slice(0, i) + word.slice(i + 1);
        if (deleted.length >= 2 && COMMANDS.every((c) => c === word || editDistance(deleted, c) > editDistance(deleted, word))) {
          expect(didYouMean(deleted, COMMANDS)).toBe(word);
        }
        if (i + 1 < word.length) {
          const swapped = word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2);
          expect(editDistance(swapped, word)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("property: editDistance is a metric on strings (zero only for equal strings, symmetric)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});
