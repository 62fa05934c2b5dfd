import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { _fileNameForKey, _isTokenFileName, _keyForFileName } from "./_file_names.ts";

describe("token file names", () => {
  it("round-trip every key that fits, and only use portable characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (key) => {
        const name = _fileNameForKey(key);
        expect(name).toMatch(/^(?:[a-z0-9_%A-F-]+|~[0-9a-f]{64})\.json$/);
        expect(_isTokenFileName(name)).toBe(true);
        if (!name.startsWith("~")) expect(_keyForFileName(name)).toBe(key);
      }),
    );
  });
  it("keep keys that differ only by case apart", () => {
    expect(_fileNameForKey("A").toLowerCase()).not.toBe(_fileNameForKey("a").toLowerCase());
  });
  it("never decode foreign names (parser property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (name) => {
        const key = _keyForFileName(name);
        if (key !== undefined) expect(_fileNameForKey(key)).toBe(name);
      }),
    );
    expect(_keyForFileName(".hidden.json")).toBeUndefined();
    expect(_keyForFileName("x.json.lock")).toBeUndefined();
    expect(_keyForFileName("%FF.json")).toBeUndefined();
    expect(_keyForFileName("UPPER.json")).toBeUndefined();
  });
});
