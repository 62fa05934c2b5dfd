import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { StorageError } from "./errors.ts";
import { Secret } from "./secret.ts";
import { TOKEN_FORMAT_VERSION, parseTokenSet, serializeTokenSet, tokenSetFromJSON, tokenSetToJSON } from "./serialize.ts";
import type { TokenSet } from "./token_set.ts";
import { caught, tokenSet } from "./_test_util.ts";

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

/** Every stored field, in stored order. */
const STORED_FIELDS = ["v", "kind", "access_token", "token_type", "refresh_token", "scopes", "issued_at", "expires_at", "not_before", "provider", "issuer", "subject", "resource"];

/**
 * Written by `serializeTokenSet` as it was before `tokenSetToJSON` existed (the field list with
 * sigils, commit 399b642): tokens already on disk, in browsers and in Redis look like this.
 */
const STORED_BEFORE = {
  full:
    '{"v":1,"kind":"user","access_token":"MLYARA-access-fixture","token_type":"bearer","refresh_token":"MLYARA-refresh-fixture","scopes":["read","write"],' +
    '"issued_at":1767225600000,"expires_at":1772409600000,"not_before":1767225600000,"provider":"mapillary","issuer":"https://www.mapillary.com",' +
    '"subject":"1234567890","resource":"https://api.mapiq.com"}',
  minimal: '{"v":1,"kind":"client_token","access_token":"MLY|1234|0123456789abcdef0123456789abcdef","token_type":"oauth","scopes":[],"issued_at":0,"expires_at":null,"provider":"mapillary"}',
};

function plain(tokens: TokenSet): Record<string, unknown> {
  return { ...tokens, accessToken: tokens.accessToken.reveal(), refreshToken: tokens.refreshToken?.reveal() };
}

/** What `fn` throws, which must be a StorageError for an unreadable token. */
function refusal(fn: () => unknown): StorageError {
  const error = caught(fn);
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe("storage_error");
  expect((error as StorageError).reason).toBe("unreadable_token");
  return error as StorageError;
}

describe("serializeTokenSet / parseTokenSet", () => {
  it("writes versioned JSON with the token values", () => {
    const text = serializeTokenSet(tokenSet({ refreshToken: new Secret("r") }));
    expect(JSON.parse(text)).toMatchObject({ v: TOKEN_FORMAT_VERSION, kind: "user", access_token: "access-token-value-1", refresh_token: "r", expires_at: 3_600_000 });
  });

  it("reads token sets stored by the previous implementation, and writes them back byte for byte", () => {
    const full = parseTokenSet(STORED_BEFORE.full);
    expect(plain(full)).toEqual({
      kind: "user",
      accessToken: "MLYARA-access-fixture",
      tokenType: "bearer",
      refreshToken: "MLYARA-refresh-fixture",
      scopes: ["read", "write"],
      issuedAt: 1_767_225_600_000,
      expiresAt: 1_772_409_600_000,
      notBefore: 1_767_225_600_000,
      provider: "mapillary",
      issuer: "https://www.mapillary.com",
      subject: "1234567890",
      resource: "https://api.mapiq.com",
    });
    const minimal = parseTokenSet(STORED_BEFORE.minimal);
    expect(plain(minimal)).toEqual({
      kind: "client_token",
      accessToken: "MLY|1234|0123456789abcdef0123456789abcdef",
      tokenType: "oauth",
      refreshToken: undefined,
      scopes: [],
      issuedAt: 0,
      expiresAt: null,
      notBefore: undefined,
      provider: "mapillary",
      issuer: undefined,
      subject: undefined,
    });
    expect("resource" in minimal).toBe(false);
    expect(serializeTokenSet(full)).toBe(STORED_BEFORE.full);
    expect(serializeTokenSet(minimal)).toBe(STORED_BEFORE.minimal);
  });

  it("property: round-trips exactly", () => {
    fc.assert(
      fc.property(tokenSets, (tokens) => {
        const copy = parseTokenSet(serializeTokenSet(tokens));
        expect(plain(copy)).toEqual(plain(tokens));
        expect(serializeTokenSet(copy)).toBe(serializeTokenSet(tokens));
        expect(Object.isFrozen(copy)).toBe(true);
        expect(Object.isFrozen(copy.scopes)).toBe(true);
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

  it("rejects unreadable text with StorageError: reason unreadable_token, the field in `field` and in the message", () => {
    const good = JSON.parse(serializeTokenSet(tokenSet())) as Record<string, unknown>;
    const cases: [unknown, string | undefined, string][] = [
      ["nope", undefined, "not a JSON object"],
      [[good], undefined, "not a JSON object"],
      [{ ...good, v: 2 }, "v", "unknown format version"],
      [{ ...good, v: undefined }, "v", "unknown format version"],
      [{ ...good, v: "1" }, "v", "unknown format version"],
      [{ ...good, kind: "robot" }, "kind", "kind"],
      [{ ...good, access_token: "" }, "access_token", "access_token"],
      [{ ...good, access_token: 1 }, "access_token", "access_token"],
      [{ ...good, access_token: undefined }, "access_token", "access_token"],
      [{ ...good, token_type: null }, "token_type", "token_type"],
      [{ ...good, refresh_token: 1 }, "refresh_token", "refresh_token"],
      [{ ...good, scopes: [1] }, "scopes", "scopes"],
      [{ ...good, scopes: "read" }, "scopes", "scopes"],
      [{ ...good, expires_at: "x" }, "expires_at", "expires_at"],
      [{ ...good, expires_at: undefined }, "expires_at", "expires_at"],
      [{ ...good, issued_at: null }, "issued_at", "issued_at"],
      [{ ...good, not_before: "x" }, "not_before", "not_before"],
      [{ ...good, provider: undefined }, "provider", "provider"],
      [{ ...good, issuer: 1 }, "issuer", "issuer"],
      [{ ...good, subject: {} }, "subject", "subject"],
      [{ ...good, resource: 1 }, "resource", "resource"],
      [{ ...good, kind: 1, scopes: 7 }, "kind", "kind"],
    ];
    for (const [value, field, words] of cases) {
      const error = refusal(() => parseTokenSet(typeof value === "string" ? value : JSON.stringify(value)));
      expect(error.field).toBe(field);
      expect(error.message).toBe(`bad stored token (${words}); log in again`);
      expect(error.toJSON()).toEqual({ name: "StorageError", message: error.message, code: "storage_error", reason: "unreadable_token", ...(field === undefined ? {} : { field }) });
    }
  });

  it("property: any text → a TokenSet or a StorageError for an unreadable token, never another throw", () => {
    const texts = fc.oneof(
      fc.string(),
      fc.json(),
      fc.dictionary(fc.constantFrom(...STORED_FIELDS), fc.jsonValue()).map((v) => JSON.stringify({ v: 1, ...v })),
    );
    fc.assert(
      fc.property(texts, (text) => {
        let tokens: TokenSet | undefined;
        try {
          tokens = parseTokenSet(text);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          expect((error as StorageError).reason).toBe("unreadable_token");
        }
        if (tokens !== undefined) expect(parseTokenSet(serializeTokenSet(tokens))).toEqual(tokens);
      }),
    );
  });
});

describe("tokenSetToJSON / tokenSetFromJSON", () => {
  it("the object form: snake_case, versioned, unset optional fields left out", () => {
    const json = tokenSetToJSON(tokenSet({ scopes: ["read"] }));
    expect(json).toEqual({ v: 1, kind: "user", access_token: "access-token-value-1", token_type: "bearer", scopes: ["read"], issued_at: 0, expires_at: 3_600_000, provider: "mapillary" });
    expect(Object.keys(json)).toEqual(["v", "kind", "access_token", "token_type", "scopes", "issued_at", "expires_at", "provider"]);
    const full = tokenSetToJSON(parseTokenSet(STORED_BEFORE.full));
    expect(Object.keys(full)).toEqual(STORED_FIELDS);
    expect(JSON.stringify(full)).toBe(STORED_BEFORE.full);
  });

  it("the JSON is a copy: changing it changes neither the token set nor a later read", () => {
    const tokens = tokenSet({ scopes: ["read"] });
    const json = tokenSetToJSON(tokens);
    json.scopes.push("write");
    expect(tokens.scopes).toEqual(["read"]);
    const copy = tokenSetFromJSON(json);
    json.scopes.push("admin");
    expect(copy.scopes).toEqual(["read", "write"]);
    expect(Object.isFrozen(copy.scopes)).toBe(true);
  });

  it("reads absent and null optional fields alike; ignores unknown fields", () => {
    const json = { ...tokenSetToJSON(tokenSet()), refresh_token: null, not_before: null, issuer: null, subject: null, resource: null, future_field: { x: 1 } };
    const tokens = tokenSetFromJSON(json);
    expect(plain(tokens)).toEqual(plain(tokenSet()));
    expect("future_field" in tokens).toBe(false);
  });

  it("refuses a sparse scope list (a structured clone keeps holes)", () => {
    const scopes: string[] = [];
    scopes[1] = "read";
    expect(refusal(() => tokenSetFromJSON({ ...tokenSetToJSON(tokenSet()), scopes })).field).toBe("scopes");
  });

  it("property: object round trip", () => {
    fc.assert(
      fc.property(tokenSets, (tokens) => {
        expect(plain(tokenSetFromJSON(tokenSetToJSON(tokens)))).toEqual(plain(tokens));
        expect(tokenSetFromJSON(JSON.parse(JSON.stringify(tokenSetToJSON(tokens))))).toEqual(tokenSetFromJSON(tokenSetToJSON(tokens)));
      }),
    );
  });

  it("property: any value → a TokenSet or a StorageError for an unreadable token, never another throw", () => {
    const anything = fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBigInt: true });
    fc.assert(
      fc.property(fc.oneof(anything, fc.dictionary(fc.constantFrom(...STORED_FIELDS), anything)), (value) => {
        try {
          tokenSetFromJSON(value);
        } catch (error) {
          expect(error).toBeInstanceOf(StorageError);
          expect((error as StorageError).reason).toBe("unreadable_token");
        }
      }),
    );
  });

  it("property: a damaged token set is refused with a message and fields that never depend on its token values", () => {
    // A valid stored token set with random secrets, then one field replaced or removed.
    const damage = fc.record({
      tokens: tokenSets,
      field: fc.constantFrom(...STORED_FIELDS),
      value: fc.option(fc.anything({ withSparseArray: true, withNullPrototype: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(damage, ({ tokens, field, value }) => {
        const damaged: Record<string, unknown> = { ...tokenSetToJSON(tokens), [field]: value };
        let error: unknown;
        try {
          tokenSetFromJSON(damaged);
        } catch (thrown) {
          error = thrown;
        }
        if (error === undefined) return; // the replacement happened to be valid for the field
        expect(error).toBeInstanceOf(StorageError);
        const refused = error as StorageError;
        expect(refused.reason).toBe("unreadable_token");
        expect(refused.field).toBe(field);
        // Everything the error says is fixed by the field alone: no token value can be in it.
        expect(refused.message).toBe(field === "v" ? "bad stored token (unknown format version); log in again" : `bad stored token (${field}); log in again`);
        expect(Object.keys(refused.toJSON()).sort()).toEqual(["code", "field", "message", "name", "reason"]);
      }),
    );
  });
});
