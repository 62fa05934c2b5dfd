import { CliError } from "./cli_error.ts";
import { EXIT } from "./exit_codes.ts";

/** `[west, south, east, north]` in degrees. */
export type Bbox = readonly [number, number, number, number];

/**
 * Parses `W,S,E,N` (decimal degrees, WGS 84) and checks the ranges and the order.
 *
 * @throws {CliError} exit code 1 with an example when the text is not a valid box.
 *
 * @example
 * ```ts
 * import { parseBbox } from "./bbox.ts";
 *
 * parseBbox("-89.41,43.06,-89.39,43.08"); // [-89.41, 43.06, -89.39, 43.08]
 * ```
 */
export function parseBbox(text: string): Bbox {
  const parts = text.split(",").map((part) => part.trim());
  const numbers = parts.map((part) => (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(part) ? Number(part) : Number.NaN));
  const [w, s, e, n] = numbers;
  const bad = (why: string): CliError =>
    new CliError(`--bbox ${JSON.stringify(text)}: ${why}. Expected W,S,E,N in degrees, e.g. --bbox -89.41,43.06,-89.39,43.08`, EXIT.usage);
  if (numbers.length !== 4 || w === undefined || s === undefined || e === undefined || n === undefined || numbers.some((x) => !Number.isFinite(x))) {
    throw bad("not four numbers");
  }
  if (w < -180 || e > 180 || s < -90 || n > 90) throw bad("out of range (longitude −180…180, latitude −90…90)");
  if (w >= e || s >= n) throw bad("west must be less than east and south less than north");
  return [w, s, e, n];
}
