import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { profileFromMetadata } from "./discovered_profile.ts";
import { discoveryRequest, processDiscoveryResponse } from "./discovery.ts";
import { ConfigError, HttpError, InvalidResponseError, MlyError } from "./errors.ts";
import { caught, json } from "./_test_util.ts";

const ISSUER = "https://auth.example.com";

/** A complete, valid RFC 8414 document for `issuer`. */
function metadata(issuer = ISSUER, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}/revoke`,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "refresh_token", "implicit"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    ...overrides,
  };
}

describe("discoveryRequest", () => {
  it("inserts the RFC 8414 well-known segment between host and path; appends OpenID's after the path", () => {
    expect(discoveryRequest("https://a.example/tenant/1").url).toBe("https://a.example/.well-known/oauth-authorization-server/tenant/1");
    expect(discoveryRequest("https://a.example").url).toBe("https://a.example/.well-known/oauth-authorization-server");
    expect(discoveryRequest("https://a.example/tenant", "openid-configuration").url).toBe("https://a.example/tenant/.well-known/openid-configuration");
    expect(discoveryRequest("http://127.0.0.1:4000", "openid-configuration").url).toBe("http://127.0.0.1:4000/.well-known/openid-configuration");
    expect(discoveryRequest(ISSUER).method).toBe("GET");
  });

  it("refuses plain http off loopback, a query, a fragment, a non-URL", () => {
    for (const bad of ["http://auth.example.com", "https://a.example?x=1", "https://a.example#f", "auth.example.com", ""]) {
      expect(caught(() => discoveryRequest(bad))).toBeInstanceOf(ConfigError);
    }
  });
});

describe("processDiscoveryResponse", () => {
  it("reads a valid document, with RFC 8414's defaults for what it omits", () => {
    const parsed = processDiscoveryResponse(ISSUER, json(200, metadata()));
    expect(parsed).toMatchObject({
      issuer: ISSUER,
      tokenEndpoint: `${ISSUER}/token`,
      revocationEndpoint: `${ISSUER}/revoke`,
      revocationEndpointAuthMethodsSupported: ["client_secret_basic"],
      authorizationResponseIssParameterSupported: true,
      codeChallengeMethodsSupported: ["S256"],
    });
    const minimal = processDiscoveryResponse(ISSUER, json(200, { issuer: ISSUER, token_endpoint: `${ISSUER}/t`, response_types_supported: ["token id_token"] }));
    expect(minimal.tokenEndpointAuthMethodsSupported).toEqual(["client_secret_basic"]);
    expect(minimal.grantTypesSupported).toBeUndefined();
    expect(minimal.authorizationResponseIssParameterSupported).toBe(false);
  });

  it("refuses a document whose issuer differs from the requested one, even by a trailing slash", () => {
    for (const other of [`${ISSUER}/`, "https://evil.example", "HTTPS://auth.example.com"]) {
      const error = caught(() => processDiscoveryResponse(ISSUER, json(200, metadata(other))));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toMatch(/RFC 8414 §3\.3/);
    }
  });

  it("refuses missing required fields, insecure endpoints, lists of the wrong type, statuses other than 200", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ token_endpoint: undefined }, /token_endpoint is missing/],
      [{ response_types_supported: undefined }, /response_types_supported is missing/],
      [{ authorization_endpoint: undefined }, /authorization_endpoint is missing/],
      [{ token_endpoint: "http://auth.example.com/token" }, /token_endpoint is not an https URL/],
      [{ revocation_endpoint: 7 }, /revocation_endpoint is not an https URL/],
      [{ scopes_supported: "read write" }, /scopes_supported is not a list/],
      [{ authorization_response_iss_parameter_supported: "yes" }, /not a boolean/],
    ];
    for (const [overrides, message] of cases) {
      const body = JSON.parse(JSON.stringify(metadata(ISSUER, overrides))) as unknown;
      const error = caught(() => processDiscoveryResponse(ISSUER, json(200, body)));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toMatch(message);
    }
    expect(caught(() => processDiscoveryResponse(ISSUER, json(404, {})))).toBeInstanceOf(HttpError);
    expect(caught(() => processDiscoveryResponse(ISSUER, { status: 200, headers: {}, body: "<html>" }))).toBeInstanceOf(InvalidResponseError);
  });

  it("property: any status and body → metadata or a typed MlyError, never an untyped throw; a foreign issuer is always refused", () => {
    const field = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(arb, fc.anything());
    const documents = fc.record(
      {
        issuer: field(fc.constantFrom(ISSUER, `${ISSUER}/`, "https://other.example")),
        token_endpoint: field(fc.constantFrom(`${ISSUER}/token`, "http://x.example/t", "not a url")),
        authorization_endpoint: field(fc.webUrl()),
        revocation_endpoint: field(fc.webUrl()),
        response_types_supported: field(fc.array(fc.string())),
        grant_types_supported: field(fc.array(fc.constantFrom("authorization_code", "refresh_token", "client_credentials", "implicit", "x"))),
        token_endpoint_auth_methods_supported: field(fc.array(fc.constantFrom("client_secret_basic", "client_secret_post", "none", "private_key_jwt"))),
        code_challenge_methods_supported: field(fc.array(fc.constantFrom("S256", "plain"))),
        authorization_response_iss_parameter_supported: field(fc.boolean()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(documents, fc.json(), fc.string()), (status, document) => {
        const body = typeof document === "string" ? document : JSON.stringify(document);
        let parsed;
        try {
          parsed = processDiscoveryResponse(ISSUER, { status, headers: {}, body });
        } catch (error) {
          expect(error).toBeInstanceOf(MlyError);
          return;
        }
        expect(parsed.issuer).toBe(ISSUER);
        expect((JSON.parse(body) as { issuer: unknown }).issuer).toBe(ISSUER);
        try {
          const profile = profileFromMetadata(parsed);
          expect(profile.grants).not.toContain("implicit");
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("profileFromMetadata", () => {
  it("takes endpoints, a supported client authentication, PKCE, iss and the listed grants (never implicit)", () => {
    const profile = profileFromMetadata(processDiscoveryResponse(ISSUER, json(200, metadata())));
    expect(profile).toMatchObject({
      id: "oauth2",
      issuer: ISSUER,
      requireIssuerInCallback: true,
      authorizationEndpoint: `${ISSUER}/authorize`,
      tokenEndpoint: `${ISSUER}/token`,
      revocationEndpoint: `${ISSUER}/revoke`,
      tokenEndpointAuth: "client_secret_post",
      pkce: true,
      grants: ["authorization_code", "refresh_token"],
    });
  });

  it("refuses a client authentication the server does not list, and says which it supports", () => {
    const parsed = processDiscoveryResponse(ISSUER, json(200, metadata()));
    const error = caught(() => profileFromMetadata(parsed, { tokenEndpointAuth: "client_secret_basic" }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("client_secret_post, private_key_jwt");
    const jwtOnly = processDiscoveryResponse(ISSUER, json(200, metadata(ISSUER, { token_endpoint_auth_methods_supported: ["private_key_jwt"] })));
    expect(caught(() => profileFromMetadata(jwtOnly))).toBeInstanceOf(ConfigError);
  });

  it("turns PKCE off only when the server lists methods without S256; code + refresh when grants are not listed", () => {
    const plainOnly = processDiscoveryResponse(ISSUER, json(200, metadata(ISSUER, { code_challenge_methods_supported: ["plain"], grant_types_supported: undefined })));
    const profile = profileFromMetadata(plainOnly, { tokenEndpointAuth: "client_secret_post" });
    expect(profile.pkce).toBe(false);
    expect(profile.grants).toEqual(["authorization_code", "refresh_token"]);
    const silent = processDiscoveryResponse(ISSUER, json(200, metadata(ISSUER, { code_challenge_methods_supported: undefined })));
    expect(profileFromMetadata(silent).pkce).toBe(true);
  });
});
