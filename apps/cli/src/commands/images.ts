import { createWriteStream } from "node:fs";
import { parseBbox } from "../bbox.ts";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { downloadImages } from "../download_images.ts";
import { EXIT } from "../exit_codes.ts";
import { createImageWriter, type ImageFormat } from "../image_writer.ts";
import { intOption, stringOption } from "../options.ts";
import { createProgress } from "../progress.ts";
import { profileApi, requireProfile } from "../session.ts";

const DEFAULT_FIELDS = ["id", "captured_at", "compass_angle", "geometry", "sequence", "is_pano"];

/** `mly images`: paged, rate-limited download of the images in a box. */
export const imagesCommand: Command = {
  name: "images",
  summary: "Download the images in a box as NDJSON or GeoJSON (paged, rate-limited)",
  options: {
    bbox: { type: "string" },
    limit: { type: "string" },
    out: { type: "string", short: "o" },
    format: { type: "string" },
    fields: { type: "string" },
    "page-size": { type: "string" },
  },
  help: `Usage: mly images --bbox W,S,E,N [--limit N] [--out FILE] [--format ndjson|geojson] [--fields LIST] [--page-size N]

Downloads the Mapillary images in a box with the profile's token, page by page (cursor paging),
every request through the rate limiter; the token is refreshed ahead of expiry on the way.
A progress bar is drawn on stderr on a terminal (one line per page otherwise).

Ctrl-C stops cleanly: what was written stays, and the file is complete (NDJSON lines are
whole; a GeoJSON FeatureCollection is closed). Exit code 130 then.

Options:
  --bbox W,S,E,N    the box in degrees (required), e.g. -89.41,43.06,-89.39,43.08
  --limit N         stop after N images (default: all)
  -o, --out FILE    write to FILE (default: stdout)
  --format F        ndjson (default; or from a .geojson/.json file name) or geojson
  --fields LIST     fields, comma separated (default ${DEFAULT_FIELDS.join(",")})
  --page-size N     images per request, 1–2000 (default 100)`,
  async run(context, { values }) {
    const bboxText = stringOption(values["bbox"]);
    if (bboxText === undefined) throw new CliError("--bbox is required, e.g. --bbox -89.41,43.06,-89.39,43.08", EXIT.usage);
    const bbox = parseBbox(bboxText);
    const limit = values["limit"] === undefined ? undefined : intOption(values["limit"], "limit", 1);
    const pageSize = intOption(values["page-size"], "page-size", 100);
    if (pageSize > 2000) throw new CliError("--page-size must be at most 2000.", EXIT.usage);
    const out = stringOption(values["out"]);
    const formatText = stringOption(values["format"]) ?? (out !== undefined && /\.(geo)?json$/i.test(out) ? "geojson" : "ndjson");
    if (formatText !== "ndjson" && formatText !== "geojson") throw new CliError(`--format must be ndjson or geojson (got ${JSON.stringify(formatText)}).`, EXIT.usage);
    const format: ImageFormat = formatText;
    const fieldsText = stringOption(values["fields"]);
    const fields = fieldsText === undefined ? DEFAULT_FIELDS : fieldsText.split(",").map((f) => f.trim()).filter((f) => f !== "");
    if (format === "geojson" && !fields.includes("geometry")) fields.push("geometry");
    if (!fields.includes("id")) fields.unshift("id");

    const record = await requireProfile(context);
    if (record.provider !== "mapillary") throw new CliError(`mly images needs a Mapillary v4 profile; ${record.name} is ${record.provider}. Run \`mly login --provider mapillary\`.`, EXIT.usage);
    const api = profileApi(context, record);

    const file = out === undefined ? undefined : createWriteStream(out, { flags: "w", mode: 0o644 });
    if (file !== undefined) {
      await new Promise<void>((resolve, reject) => {
        file.once("open", () => {
          resolve();
        });
        file.once("error", (error) => {
          reject(new CliError(`Cannot write ${out ?? ""}: ${error.message}`, EXIT.usage));
        });
      });
    }
    const writer = createImageWriter((chunk) => (file === undefined ? process.stdout.write(chunk) : file.write(chunk)), format);
    const progress = createProgress({ stream: process.stderr, total: limit, unit: "images", style: context.style });
    try {
      const result = await downloadImages({
        api,
        bbox,
        fields,
        pageSize,
        limit,
        writer,
        progress,
        signal: context.signal,
        onRefresh: () => {
          progress.note(context.style.yellow("↻ token refreshed ahead of expiry"));
        },
      });
      const where = out ?? "stdout";
      if (result.interrupted) {
        progress.done(context.style.yellow(`Interrupted: ${result.count} images written to ${where} (a complete ${format === "ndjson" ? "NDJSON file" : "FeatureCollection"}).`));
        return EXIT.interrupted;
      }
      progress.done(`${context.style.green("✓")} ${result.count} images in ${result.pages} page${result.pages === 1 ? "" : "s"} written to ${where} (${format}).`);
      return EXIT.ok;
    } finally {
      if (file !== undefined) {
        await new Promise<void>((resolve) => {
          file.end(() => {
            resolve();
          });
        });
      }
    }
  },
};
