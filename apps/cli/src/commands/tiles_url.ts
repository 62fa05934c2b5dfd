import { clientTokenSet, MAPILLARY_TILE_LAYERS, Secret, tileUrlTemplate } from "@mly/auth-core";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { requireCredential } from "../credentials.ts";
import { EXIT } from "../exit_codes.ts";
import { stringOption } from "../options.ts";
import { providerProfile } from "../providers.ts";

/** `mly tiles-url`: a vector-tile URL template with the app's client token. */
export const tilesUrlCommand: Command = {
  name: "tiles-url",
  summary: "Print a vector-tile URL template for map libraries (client token)",
  options: { layer: { type: "string" } },
  help: `Usage: mly tiles-url [--layer LAYER]

Prints the Mapillary vector-tile URL template with the app's public CLIENT token
(MAPILLARY_CLIENT_TOKEN or --client-token), ready for MapLibre / OpenLayers / Leaflet:
  https://tiles.mapillary.com/maps/vtp/mly1_public/2/{z}/{x}/{y}?access_token=MLY%7C…
A user token never goes into a URL.

Options:
  --layer LAYER  ${MAPILLARY_TILE_LAYERS.join(", ")} (default mly1_public)`,
  run(context, { values }) {
    const layer = stringOption(values["layer"]) ?? "mly1_public";
    if (!(MAPILLARY_TILE_LAYERS as readonly string[]).includes(layer)) {
      throw new CliError(`Unknown --layer ${JSON.stringify(layer)}; choose one of ${MAPILLARY_TILE_LAYERS.join(", ")}.`, EXIT.usage);
    }
    const credentials = context.credentials("mapillary");
    const clientToken = requireCredential("mapillary", credentials, "clientToken");
    const profile = providerProfile("mapillary", context.sandboxUrlFor(undefined));
    context.out(tileUrlTemplate(profile, clientTokenSet(new Secret(clientToken), Date.now()), layer));
    return Promise.resolve(EXIT.ok);
  },
};
