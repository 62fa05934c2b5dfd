import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { _fileNameForKey, _isTempFileName, _isTokenFileName, _keyForFileName } from "./_file_names.ts";

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

describe("temp file names", () => {
  const uuid = fc.uuid({ version: 4 });
  const tokenFile = fc.string({ unit: "grapheme", maxLength: 40 }).map((key) => _fileNameForKey(key));
  it("recognise every temp file the writers and locks make, for any key (parser property)", () => {
    fc.assert(
      fc.property(tokenFile, uuid, (file, id) => {
        expect(_isTempFileName(`.${file}.${id}.tmp`)).toBe(true);
        expect(_isTempFileName(`${file}.wlock.${id}.tmp`)).toBe(true);
        expect(_isTempFileName(`${file}.lock.${id}.tmp`)).toBe(true);
        expect(_isTempFileName(`${file}.lock.stale-${id}`)).toBe(true);
        expect(_isTempFileName(`${file}.wlock.stale-${id}`)).toBe(true);
      }),
    );
  });
  it("never match a token file, a lock, a quarantined copy or a foreign file", () => {
    fc.assert(
      fc.property(tokenFile, fc.string({ maxLength: 40 }), (file, foreign) => {
        expect(_isTempFileName(file)).toBe(false);
        expect(_isTempFileName(`${file}.lock`)).toBe(false);
        expect(_isTempFileName(`${file}.wlock`)).toBe(false);
        expect(_isTempFileName(`${file}.corrupt-2026-01-01T00-00-00-000Z`)).toBe(false);
        if (!/[0-9a-f]{8}-/.test(foreign)) expect(_isTempFileName(foreign)).toBe(false);
      }),
    );
    for (const name of [".hidden.tmp", "notes.tmp", ".x.json.dead.tmp", "x.json.wlock.not-a-uuid.tmp", ".X.json.0b7e2a58-7d4c-4b8e-9d7e-3c3f0a1b2c3d.tmp"]) {
      expect(_isTempFileName(name)).toBe(false);
    }
  });
});
