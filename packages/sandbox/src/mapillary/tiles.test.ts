import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, v4Code, v4Token } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";
import { TILE_LAYERS } from "./tiles.ts";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(() => sb.close());

const tile = (layer: string, token?: string): string =>
  `${sb.endpoints.mapillary.tilesBaseUrl}/maps/vtp/${layer}/2/14/4113/6003${token === undefined ? "" : `?access_token=${encodeURIComponent(token)}`}`;

describe("v4 vector tiles", () => {
  it("serves every layer for the client token in ?access_token= (| percent-encoded)", async () => {
    for (const layer of TILE_LAYERS) {
      const res = await get(tile(layer, sb.credentials.mapillary.clientToken));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-protobuf");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes[0]).toBe(0x1a);
      expect(new TextDecoder().decode(bytes)).toContain(layer);
    }
    expect(tile("x", "MLY|1|a")).toContain("MLY%7C1%7Ca");
    expect(sb.log.count({ credential: "client-token", credentialLocation: "url" })).toBe(4);
  });

  it("refuses a header token, a user token in the URL, no token, unknown layers and bad coordinates", async () => {
    const header = await get(tile("mly1_public"), { authorization: `OAuth ${sb.credentials.mapillary.clientToken}` });
    expect(header.status).toBe(401);
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const user = await get(tile("mly1_public", access_token));
    expect(user.status).toBe(401);
    expect(await user.json()).toMatchObject({ error: { code: 190 } });
    expect(sb.log.last()).toMatchObject({ credential: "user-token", credentialLocation: "url" });
    expect((await get(tile("mly1_public"))).status).toBe(401);
    expect((await get(tile("nope", sb.credentials.mapillary.clientToken))).status).toBe(404);
    const bad = `${sb.endpoints.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/2/9/0?access_token=${encodeURIComponent(sb.credentials.mapillary.clientToken)}`;
    expect((await get(bad)).status).toBe(400);
  });
});
