import { fingerprint } from "../fingerprint.ts";
import type { RequestContext, SandboxResponse } from "../http_types.ts";
import type { SandboxState } from "../state.ts";
import { badRequest, graphError, invalidToken } from "./graph_error.ts";
import { coverageTile, emptyVectorTile } from "./mvt.ts";

/** The vector tile layers served under `/maps/vtp/{layer}/2/{z}/{x}/{y}`. */
export const TILE_LAYERS: readonly string[] = [
  "mly1_public",
  "mly1_computed_public",
  "mly_map_feature_point",
  "mly_map_feature_traffic_sign",
];

/** The layers with the data set's images and sequences; the map-feature layers are empty. */
const COVERAGE_LAYERS: readonly string[] = ["mly1_public", "mly1_computed_public"];

/**
 * A vector tile. Only the app's CLIENT token in `?access_token=` is accepted: a header token or a
 * user token in the URL gets 190 / 401 (user tokens must never travel in URLs).
 */
export function tileHandler(state: SandboxState): (ctx: RequestContext) => SandboxResponse {
  return (ctx) => {
    const token = ctx.url.searchParams.get("access_token");
    if (ctx.headers.authorization !== undefined) {
      ctx.audit.credentialLocation = "header";
      ctx.audit.credential = "unknown";
      if (token === null) return invalidToken("Tiles take the client token in ?access_token=, not in a header.");
    }
    if (token === null || token === "") return invalidToken("An access token is required to request this resource.");
    ctx.audit.credentialLocation = "url";
    ctx.audit.credentialFingerprint = fingerprint(token);
    const found = state.tokens.lookup(token);
    const record = found.status === "unknown" ? null : found.record;
    ctx.audit.credential = record?.api !== "mapillary" ? "unknown" : record.kind === "client" ? "client-token" : "user-token";
    if (record?.kind !== "client" || found.status !== "valid") {
      return invalidToken("Invalid OAuth access token: tiles accept only the application's client token.");
    }
    ctx.audit.clientId = record.clientId;
    const layer = ctx.params["layer"] ?? "";
    if (!TILE_LAYERS.includes(layer)) return graphError({ status: 404, code: 100, message: `Unknown tile layer '${layer}'` });
    const [z, x, y] = ["z", "x", "y"].map((k) => Number(ctx.params[k]));
    if (z === undefined || x === undefined || y === undefined || !validTile(z, x, y)) return badRequest("Invalid tile coordinates");
    return {
      status: 200,
      // Browsers fetch tiles from map pages of other origins, as from tiles.mapillary.com.
      headers: { "content-type": "application/x-protobuf", "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" },
      body: COVERAGE_LAYERS.includes(layer) ? coverageTile(state.dataset, z, x, y) : emptyVectorTile(),
    };
  };
}

function validTile(z: number, x: number, y: number): boolean {
  if (![z, x, y].every(Number.isInteger) || z < 0 || z > 22) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}
