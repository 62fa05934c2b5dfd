import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { REDACTED, Secret, constantTimeEqual, toSecret } from "./secret.ts";

describe("Secret", () => {
  const secret = new Secret("MLY|1234|abcdef0123");

  it("never prints its value through String, templates, JSON or util.inspect", () => {
    expect(String(secret)).toBe(REDACTED);
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the template literal is what is tested
    expect(`${secret}`).toBe(REDACTED);
    expect(secret.toString()).toBe(REDACTED);
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect(secret, { depth: Infinity, showHidden: true })).toBe(REDACTED);
    expect(inspect({ nested: [secret] })).not.toContain("abcdef");
    expect(Object.keys(secret)).toEqual([]);
  });

  it("reveals its value only through reveal()", () => {
    expect(secret.reveal()).toBe("MLY|1234|abcdef0123");
  });

  it("compares by value", () => {
    expect(secret.equals(new Secret("MLY|1234|abcdef0123"))).toBe(true);
    expect(secret.equals(new Secret("MLY|1234|abcdef0124"))).toBe(false);
    expect(secret.equals(new Secret("MLY|1234|abcdef012"))).toBe(false);
  });

  it("toSecret wraps strings and keeps secrets", () => {
    expect(toSecret(secret)).toBe(secret);
    expect(toSecret("x").reveal()).toBe("x");
  });

  it("constantTimeEqual agrees with === on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});
