import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UnknownScopeError, ScopeNotGrantedError } from "./errors.ts";
import {
  MAPILLARY_SCOPES,
  MAPILLARY_V2_SCOPES,
  MAPIQ_SCOPES,
  assertScopesGranted,
  checkScopes,
  formatScopes,
  missingScopes,
  parseScopes,
} from "./scopes.ts";
import { caught, valueOrMlyError } from "./_test_util.ts";

const scopeToken = fc.stringMatching(/^[\x21\x23-\x5B\x5D-\x7E]{1,12}$/);

describe("scopes", () => {
  it("has the documented scope names per provider", () => {
    expect(MAPILLARY_SCOPES).toEqual(["read", "write", "upload"]);
    expect(MAPILLARY_V2_SCOPES).toHaveLength(11);
    expect(MAPILLARY_V2_SCOPES).toContain("private:upload");
    expect(MAPIQ_SCOPES).toEqual(["https://api.mapiq.com/public/.default"]);
  });

  it("parses space-delimited scopes, dropping duplicates and extra whitespace", () => {
    expect(parseScopes("read  write read", MAPILLARY_SCOPES, "Mapillary")).toEqual(["read", "write"]);
    expect(parseScopes("", MAPILLARY_SCOPES)).toEqual([]);
    expect(parseScopes("user:read\tuser:email", MAPILLARY_V2_SCOPES)).toEqual(["user:read", "user:email"]);
  });

  it("rejects an unknown scope with a typed error naming it", () => {
    const error = caught(() => parseScopes("read admin", MAPILLARY_SCOPES, "Mapillary"));
    expect(error).toBeInstanceOf(UnknownScopeError);
    expect((error as UnknownScopeError).scopes).toEqual(["admin"]);
    expect((error as Error).message).toContain("admin");
    expect(caught(() => checkScopes(['bad"quote'], null))).toBeInstanceOf(UnknownScopeError);
  });

  it("formats scopes space-delimited without duplicates", () => {
    expect(formatScopes(["read", "write", "read"])).toBe("read write");
  });

  it("checks granted against requested scopes", () => {
    expect(missingScopes(["read", "upload"], ["read"])).toEqual(["upload"]);
    expect(() => { assertScopesGranted(["read"], ["read", "write"]); }).not.toThrow();
    const error = caught(() => { assertScopesGranted(["read", "upload"], ["read"]); });
    expect(error).toBeInstanceOf(ScopeNotGrantedError);
    expect((error as ScopeNotGrantedError).missing).toEqual(["upload"]);
  });

  it("property: parseScopes/checkScopes return a value or an MlyError for any input", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string()), fc.option(fc.array(fc.string()), { nil: null }), (text, names, known) => {
        valueOrMlyError(() => parseScopes(text, known));
        valueOrMlyError(() => checkScopes(names, known));
        valueOrMlyError(() => parseScopes(text, MAPILLARY_V2_SCOPES));
      }),
    );
  });

  it("property: formatScopes ↔ parseScopes round-trips", () => {
    fc.assert(
      fc.property(fc.uniqueArray(scopeToken), (scopes) => {
        expect(parseScopes(formatScopes(scopes), null)).toEqual(scopes);
        expect(formatScopes(parseScopes(formatScopes(scopes), null))).toBe(formatScopes(scopes));
      }),
    );
    fc.assert(
      fc.property(fc.subarray([...MAPILLARY_V2_SCOPES]), (scopes) => {
        expect(parseScopes(formatScopes(scopes), MAPILLARY_V2_SCOPES)).toEqual(scopes);
      }),
    );
  });
});
