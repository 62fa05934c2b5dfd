import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { StorageError } from "./errors.ts";
import { Secret } from "./secret.ts";
import { TOKEN_FORMAT_VERSION, parseTokenSet, serializeTokenSet } from "./serialize.ts";
import type { TokenSet } from "./token_set.ts";
import { caught, tokenSet, valueOrMlyError } from "./_test_util.ts";

const time = fc.integer({ min: -8.64e15, max: 8.64e15 });
const tokenSets: fc.Arbitrary<TokenSet> = fc.record({
  kind: fc.constantFrom("user" as const, "client_app" as const, "client_token" as const),
  accessToken: fc.string({ minLength: 1 }).map((value) => new Secret(value)),
  tokenType: fc.string(),
  refreshToken: fc.option(fc.string().map((value) => new Secret(value)), { nil: undefined }),
  scopes: fc.array(fc.string()),
  issuedAt: time,
  expiresAt: fc.option(time, { nil: null }),
  notBefore: fc.option(time, { nil: undefined }),
  provider: fc.string(),
  issuer: fc.option(fc.string(), { nil: undefined }),
  subject: fc.option(fc.string(), { nil: undefined }),
  resource: fc.option(fc.string(), { nil: undefined }),
});

function plain(tokens: TokenSet): Record<string, unknown> {
  return { ...tokens, accessToken: tokens.accessToken.reveal(), refreshToken: tokens.refreshToken?.reveal() };
}

describe("serializeTokenSet / parseTokenSet", () => {
  it("writes versioned JSON with the token values", () => {
    const text = serializeTokenSet(tokenSet({ refreshToken: new Secret("r") }));
    expect(JSON.parse(text)).toMatchObject({ v: TOKEN_FORMAT_VERSION, kind: "user", access_token: "access-token-value-1", refresh_token: "r", expires_at: 3_600_000 });
  });

  it("property: round-trips exactly", () => {
    fc.assert(
      fc.property(tokenSets, (tokens) => {
        const copy = parseTokenSet(serializeTokenSet(tokens));
        expect(plain(copy)).toEqual(plain(tokens));
        expect(serializeTokenSet(copy)).toBe(serializeTokenSet(tokens));
        expect(Object.isFrozen(copy)).toBe(true);
      }),
    );
  });

  it("keeps Mapiq's resource; a token stored before the field existed still reads", () => {
    const mapiqTokens = tokenSet({ kind: "client_app", resource: "https://api.mapiq.com", scopes: ["https://api.mapiq.com/public/.default"] });
    const text = serializeTokenSet(mapiqTokens);
    expect(JSON.parse(text)).toMatchObject({ resource: "https://api.mapiq.com", scopes: ["https://api.mapiq.com/public/.default"] });
    expect(parseTokenSet(text).resource).toBe("https://api.mapiq.com");
    const older = JSON.parse(serializeTokenSet(tokenSet())) as Record<string, unknown>;
    expect("resource" in older).toBe(false);
    expect(parseTokenSet(JSON.stringify(older)).resource).toBeUndefined();
  });

  it("rejects unreadable text with StorageError naming the field, in its message and in `reason`", () => {
    const good = JSON.parse(serializeTokenSet(tokenSet())) as Record<string, unknown>;
    const cases: [unknown, string][] = [
      ["nope", "not a JSON object"],
      [{ ...good, v: 2 }, "version"],
      [{ ...good, v: undefined }, "version"],
      [{ ...good, kind: "robot" }, "kind"],
      [{ ...good, access_token: "" }, "access_token"],
      [{ ...good, access_token: 1 }, "access_token"],
      [{ ...good, refresh_token: 1 }, "refresh_token"],
      [{ ...good, scopes: [1] }, "scopes"],
      [{ ...good, scopes: "read" }, "scopes"],
      [{ ...good, expires_at: "x" }, "expires_at"],
      [{ ...good, issued_at: null }, "issued_at"],
      [{ ...good, not_before: "x" }, "not_before"],
      [{ ...good, provider: undefined }, "provider"],
      [{ ...good, resource: 1 }, "resource"],
    ];
    for (const [value, field] of cases) {
      const error = caught(() => parseTokenSet(typeof value === "string" ? value : JSON.stringify(value)));
      expect(error).toBeInstanceOf(StorageError);
      expect((error as Error).message).toContain(field);
      expect((error as StorageError).reason).toBe(field);
      expect((error as Error).message).not.toContain("access-token-value-1");
    }
  });

  it("property: any text → a TokenSet or an MlyError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.dictionary(fc.constantFrom("v", "kind", "access_token", "token_type", "scopes", "issued_at", "expires_at", "provider"), fc.jsonValue()).map((v) => JSON.stringify({ v: 1, ...v }))), (text) => {
        valueOrMlyError(() => parseTokenSet(text));
      }),
    );
  });
});
