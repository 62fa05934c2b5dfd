import { describe, expect, it } from "vitest";
import { authorizationHeaderValue, authorizeRequest, placeCredential, tileUrlTemplate } from "./credential_placement.ts";
import { createClient } from "./client.ts";
import { ConfigError, TokenNotYetValidError } from "./errors.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";
import { Secret } from "./secret.ts";
import { clientTokenSet } from "./token_set.ts";
import { CLIENT_TOKEN, caught, tokenSet } from "./_test_util.ts";

const user = tokenSet({ accessToken: new Secret("MLYuser") });
const clientToken = clientTokenSet(new Secret(CLIENT_TOKEN), 0);

describe("authorizeRequest", () => {
  it("Mapillary v4 graph: Authorization: OAuth <token>, nothing in the URL", () => {
    const { url, headers } = authorizeRequest(mapillary, user, { url: "https://graph.mapillary.com/me?fields=id,username", headers: { accept: "application/json" } });
    expect(url).toBe("https://graph.mapillary.com/me?fields=id,username");
    expect(headers.get("authorization")).toBe("OAuth MLYuser");
    expect(headers.get("accept")).toBe("application/json");
  });

  it("Mapillary v4 tiles: the client token in ?access_token, a user token refused unless opted in", () => {
    const tile = "https://tiles.mapillary.com/maps/vtp/mly1_public/2/1/2/3";
    const { url, headers } = authorizeRequest(mapillary, clientToken, { url: tile });
    expect(url).toBe(`${tile}?access_token=MLY%7C1234%7Cfedcba9876543210fedcba9876543210`);
    expect(headers.has("authorization")).toBe(false);
    expect(caught(() => authorizeRequest(mapillary, user, { url: tile }))).toBeInstanceOf(ConfigError);
    expect(authorizeRequest(mapillary, user, { url: tile }, { allowUserTokenInUrl: true }).url).toContain("access_token=MLYuser");
    expect(caught(() => authorizeRequest(mapillary, user, { url: "https://graph.mapillary.com/x?access_token=y" }))).toBeInstanceOf(ConfigError);
  });

  it("Mapillary v2: Bearer + client_id in the query, which needs the client", () => {
    const { url, headers } = authorizeRequest(mapillaryV2, user, { url: "https://a.mapillary.com/v2/me" }, { client: createClient({ clientId: "v2id" }) });
    expect(url).toBe("https://a.mapillary.com/v2/me?client_id=v2id");
    expect(headers.get("authorization")).toBe("Bearer MLYuser");
    expect(caught(() => authorizeRequest(mapillaryV2, user, { url: "https://a.mapillary.com/v2/me" }))).toBeInstanceOf(ConfigError);
  });

  it("Mapiq: Bearer; not_before honoured", () => {
    const app = tokenSet({ kind: "client_app", accessToken: new Secret("eyJ"), notBefore: 5000 });
    expect(authorizeRequest(mapiq, app, { url: new URL("https://api.mapiq.com/v2/buildings") }, { now: 5000 }).headers.get("authorization")).toBe("Bearer eyJ");
    expect(caught(() => authorizeRequest(mapiq, app, { url: "https://api.mapiq.com/v2/buildings" }, { now: 4999 }))).toBeInstanceOf(TokenNotYetValidError);
    expect(authorizationHeaderValue(mapiq, new Secret("t"))).toBe("Bearer t");
    expect(authorizationHeaderValue(mapillary, new Secret("t"))).toBe("OAuth t");
  });
});

describe("tileUrlTemplate", () => {
  it("builds a template with the percent-encoded client token", () => {
    expect(tileUrlTemplate(mapillary, clientToken)).toBe(
      "https://tiles.mapillary.com/maps/vtp/mly1_public/2/{z}/{x}/{y}?access_token=MLY%7C1234%7Cfedcba9876543210fedcba9876543210",
    );
    expect(tileUrlTemplate(mapillary, clientToken, "mly_map_feature_point")).toContain("/mly_map_feature_point/2/");
  });

  it("refuses a user token, a bad layer, a profile without tiles", () => {
    expect(caught(() => tileUrlTemplate(mapillary, user))).toBeInstanceOf(ConfigError);
    expect(tileUrlTemplate(mapillary, user, "mly1_public", { allowUserTokenInUrl: true })).toContain("MLYuser");
    expect(caught(() => tileUrlTemplate(mapillary, clientToken, "../x"))).toBeInstanceOf(ConfigError);
    expect(caught(() => tileUrlTemplate(mapiq, clientToken))).toBeInstanceOf(ConfigError);
  });
});

describe("authorizeRequest origins", () => {
  it("refuses to send a token outside the profile's API base URL unless told to", () => {
    const tokens = tokenSet();
    expect(caught(() => authorizeRequest(mapiq, tokens, { url: "https://evil.example/v2/buildings" }))).toBeInstanceOf(ConfigError);
    expect(caught(() => authorizeRequest(mapiq, tokens, { url: "https://api.mapiq.com.evil.example/v2" }))).toBeInstanceOf(ConfigError);
    const allowed = authorizeRequest(mapiq, tokens, { url: "https://evil.example/x" }, { allowOtherOrigins: true });
    expect(allowed.headers.get("authorization")).toMatch(/^Bearer /);
    expect(authorizeRequest(mapiq, tokens, { url: "https://api.mapiq.com/v2/buildings" }).url).toBe("https://api.mapiq.com/v2/buildings");
  });
});

describe("placeCredential without a token (app-level calls)", () => {
  it("Mapillary v2: the client_id only, no Authorization", () => {
    const placed = placeCredential(mapillaryV2, undefined, "https://a.mapillary.com/v2/status", { client: createClient({ clientId: "v2id" }) });
    expect(placed).toEqual({ url: "https://a.mapillary.com/v2/status?client_id=v2id", authorization: undefined });
  });

  it("Mapiq: nothing placed; tiles: a ConfigError (they need the client token)", () => {
    expect(placeCredential(mapiq, undefined, "https://api.mapiq.com/v2/buildings")).toEqual({ url: "https://api.mapiq.com/v2/buildings", authorization: undefined });
    expect(caught(() => placeCredential(mapillary, undefined, "https://tiles.mapillary.com/maps/vtp/mly1_public/2/1/1/1"))).toBeInstanceOf(ConfigError);
  });
});
