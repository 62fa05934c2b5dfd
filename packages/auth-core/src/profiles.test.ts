import { describe, expect, it } from "vitest";
import { mapillary, mapillaryProfile, MAPILLARY_TILE_LAYERS } from "./mapillary.ts";
import { mapillaryV2, mapillaryV2Profile } from "./mapillary_v2.ts";
import { mapiq, mapiqProfile } from "./mapiq.ts";
import { oauth2Profile } from "./oauth2.ts";
import { supportsGrant, trimSlash } from "./profile.ts";

describe("provider profiles", () => {
  it("mapillary (v4): OAuth header + JSON body with numeric client_id, access token as refresh token, graph and tile limits", () => {
    expect(mapillary).toMatchObject({
      id: "mapillary",
      authorizationEndpoint: "https://www.mapillary.com/connect",
      tokenEndpoint: "https://graph.mapillary.com/token",
      apiBaseUrl: "https://graph.mapillary.com",
      tilesBaseUrl: "https://tiles.mapillary.com",
      tokenEndpointAuth: "oauth_header",
      tokenRequestEncoding: "json",
      numericClientId: true,
      refreshWith: "access_token",
      tokenPlacement: "oauth_header",
      errorShape: "graph",
      pkce: false,
      scopes: ["read", "write", "upload"],
    });
    expect(mapillary.rateLimits).toEqual([
      { name: "graph", limit: 50_000, windowMs: 60_000, per: "app", appliesTo: "api" },
      { name: "tiles", limit: 50_000, windowMs: 86_400_000, per: "app", appliesTo: "tiles" },
    ]);
    expect(MAPILLARY_TILE_LAYERS).toContain("mly1_computed_public");
    expect(Object.isFrozen(mapillary)).toBe(true);
    expect(supportsGrant(mapillary, "refresh_token")).toBe(true);
    expect(supportsGrant(mapillary, "implicit")).toBe(false);
  });

  it("mapillary v2: form + secret, client_id in every URL, Bearer, implicit supported", () => {
    expect(mapillaryV2).toMatchObject({
      tokenEndpoint: "https://a.mapillary.com/v2/oauth/token",
      tokenEndpointAuth: "client_secret_post",
      tokenRequestEncoding: "form",
      clientIdInQuery: true,
      tokenPlacement: "bearer_header",
      errorShape: "mapillary_v2",
      defaultLifetimeMs: null,
    });
    expect(supportsGrant(mapillaryV2, "implicit")).toBe(true);
  });

  it("mapiq: client credentials only, form post, Bearer, 20/min per endpoint", () => {
    expect(mapiq).toMatchObject({
      tokenEndpoint: "https://account.mapiq.com/api/public/oauth2/token",
      authorizationEndpoint: undefined,
      grants: ["client_credentials"],
      tokenEndpointAuth: "client_secret_post",
      tokenPlacement: "bearer_header",
      errorShape: "apim",
      defaultScopes: ["https://api.mapiq.com/public/.default"],
    });
    expect(mapiq.rateLimits).toEqual([{ name: "endpoint", limit: 20, windowMs: 60_000, per: "endpoint", appliesTo: "api" }]);
  });

  it("base URLs are overridable for loopback tests", () => {
    const v4 = mapillaryProfile({ apiBaseUrl: "http://127.0.0.1:9/graph/", tilesBaseUrl: "http://127.0.0.1:9/tiles/", authorizationEndpoint: "http://127.0.0.1:9/connect" });
    expect(v4.tokenEndpoint).toBe("http://127.0.0.1:9/graph/token");
    expect(v4.tilesBaseUrl).toBe("http://127.0.0.1:9/tiles");
    expect(v4.authorizationEndpoint).toBe("http://127.0.0.1:9/connect");
    expect(mapillaryProfile({ tokenEndpoint: "http://127.0.0.1:9/t" }).tokenEndpoint).toBe("http://127.0.0.1:9/t");
    expect(mapillaryV2Profile({ apiBaseUrl: "http://127.0.0.1:9" }).tokenEndpoint).toBe("http://127.0.0.1:9/v2/oauth/token");
    expect(mapillaryV2Profile({ tokenEndpoint: "http://x/t", authorizationEndpoint: "http://x/a" })).toMatchObject({ tokenEndpoint: "http://x/t", authorizationEndpoint: "http://x/a" });
    expect(mapiqProfile({ tokenEndpoint: "http://127.0.0.1:9/token", apiBaseUrl: "http://127.0.0.1:9/" })).toMatchObject({
      tokenEndpoint: "http://127.0.0.1:9/token",
      apiBaseUrl: "http://127.0.0.1:9",
    });
    expect(trimSlash("a/")).toBe("a");
    expect(trimSlash("a")).toBe("a");
  });

  it("oauth2: generic RFC 6749 with basic by default, PKCE on, configurable", () => {
    const generic = oauth2Profile({ tokenEndpoint: "https://as.test/token" });
    expect(generic).toMatchObject({ id: "oauth2", tokenEndpointAuth: "client_secret_basic", pkce: true, scopes: null, issuer: undefined, apiBaseUrl: undefined });
    const custom = oauth2Profile({
      issuer: "https://as.test",
      requireIssuerInCallback: true,
      authorizationEndpoint: "https://as.test/authorize",
      tokenEndpoint: "https://as.test/token",
      apiBaseUrl: "https://api.test/",
      tokenEndpointAuth: "none",
      scopes: ["a"],
      defaultScopes: ["a"],
      grants: ["authorization_code"],
      pkce: false,
      rateLimits: [],
      routes: [{ method: "GET", template: "/x" }],
    });
    expect(custom).toMatchObject({ name: "https://as.test", requireIssuerInCallback: true, apiBaseUrl: "https://api.test", tokenEndpointAuth: "none", pkce: false });
  });
});
