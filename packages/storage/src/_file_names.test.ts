import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fileNameForKey, isTempFileName, isTokenFileName, keyForFileName } from "./_file_names.ts";

describe("token file names", () => {
  it("round-trip every key that fits, and only use portable characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (key) => {
        const name = fileNameForKey(key);
        expect(name).toMatch(/^(?:[a-z0-9_%A-F-]+|~[0-9a-f]{64})\.json$/);
        expect(isTokenFileName(name)).toBe(true);
        if (!name.startsWith("~")) expect(keyForFileName(name)).toBe(key);
      }),
    );
  });
  it("keep keys that differ only by case apart", () => {
    expect(fileNameForKey("A").toLowerCase()).not.toBe(fileNameForKey("a").toLowerCase());
  });
  it("never decode foreign names (parser property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (name) => {
        const key = keyForFileName(name);
        if (key !== undefined) expect(fileNameForKey(key)).toBe(name);
      }),
    );
    expect(keyForFileName(".hidden.json")).toBeUndefined();
    expect(keyForFileName("x.json.lock")).toBeUndefined();
    expect(keyForFileName("%FF.json")).toBeUndefined();
    expect(keyForFileName("UPPER.json")).toBeUndefined();
  });
});

describe("temp file names", () => {
  const uuid = fc.uuid({ version: 4 });
  const tokenFile = fc.string({ unit: "grapheme", maxLength: 40 }).map((key) => fileNameForKey(key));
  it("recognise every temp file the writers and locks make, for any key (parser property)", () => {
    fc.assert(
      fc.property(tokenFile, uuid, (file, id) => {
        expect(isTempFileName(`.${file}.${id}.tmp`)).toBe(true);
        expect(isTempFileName(`${file}.wlock.${id}.tmp`)).toBe(true);
        expect(isTempFileName(`${file}.lock.${id}.tmp`)).toBe(true);
        expect(isTempFileName(`${file}.lock.stale-${id}`)).toBe(true);
        expect(isTempFileName(`${file}.wlock.stale-${id}`)).toBe(true);
      }),
    );
  });
  it("never match a token file, a lock, a quarantined copy or a foreign file", () => {
    fc.assert(
      fc.property(tokenFile, fc.string({ maxLength: 40 }), (file, foreign) => {
        expect(isTempFileName(file)).toBe(false);
        expect(isTempFileName(`${file}.lock`)).toBe(false);
        expect(isTempFileName(`${file}.wlock`)).toBe(false);
        expect(isTempFileName(`${file}.corrupt-2026-01-01T00-00-00-000Z`)).toBe(false);
        if (!/[0-9a-f]{8}-/.test(foreign)) expect(isTempFileName(foreign)).toBe(false);
      }),
    );
    for (const name of [".hidden.tmp", "notes.tmp", ".x.json.dead.tmp", "x.json.wlock.not-a-uuid.tmp", ".X.json.0b7e2a58-7d4c-4b8e-9d7e-3c3f0a1b2c3d.tmp"]) {
      expect(isTempFileName(name)).toBe(false);
    }
  });
});
