import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatTokenKey, parseTokenKey, type TokenKey } from "./token_key.ts";
import { valueOrMlyError } from "./_test_util.ts";

describe("token keys", () => {
  it("formats provider:clientId:profile[:scopes], scopes sorted", () => {
    expect(formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "alice" })).toBe("mapillary:1234:alice");
    expect(formatTokenKey({ provider: "mapillary", clientId: "1234" })).toBe("mapillary:1234:default");
    expect(formatTokenKey({ provider: "mapillary", clientId: "1234", scopes: ["write", "read"] })).toBe("mapillary:1234:default:read%20write");
    expect(formatTokenKey({ provider: "mapillary", clientId: "1234", scopes: [] })).toBe("mapillary:1234:default");
  });

  it("percent-encodes parts so no part can forge another", () => {
    const key = formatTokenKey({ provider: "a", clientId: "b:c", profile: "d" });
    expect(key).toBe("a:b%3Ac:d");
    expect(parseTokenKey(key)).toEqual({ provider: "a", clientId: "b:c", profile: "d" });
  });

  it("returns undefined for text that is not a key", () => {
    expect(parseTokenKey("a:b")).toBeUndefined();
    expect(parseTokenKey("a:b:c:d:e")).toBeUndefined();
    expect(parseTokenKey("a:%E0%A4%A:c")).toBeUndefined();
  });

  it("property: any text → a key or undefined, never a throw", () => {
    fc.assert(fc.property(fc.string(), (text) => { valueOrMlyError(() => parseTokenKey(text)); }));
  });

  it("property: formatTokenKey ↔ parseTokenKey round-trips", () => {
    const scope = fc.stringMatching(/^[\x21\x23-\x5B\x5D-\x7E]{1,10}$/);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.uniqueArray(scope), (provider, clientId, profile, scopes) => {
        const key: TokenKey = scopes.length === 0 ? { provider, clientId, profile } : { provider, clientId, profile, scopes: [...scopes].sort() };
        expect(parseTokenKey(formatTokenKey(key))).toEqual(key);
      }),
    );
  });
});
