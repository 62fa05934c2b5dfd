/**
 * Terminal colours: on a TTY or with `FORCE_COLOR`, never with `NO_COLOR` (https://no-color.org)
 * or `--no-color`.
 *
 * @module
 */

/** Colour helpers bound to one output stream. */
export interface Style {
  /** Whether colours are on. */
  readonly enabled: boolean;
  /** Bold text. */
  bold(text: string): string;
  /** Dim text. */
  dim(text: string): string;
  /** Green text (success). */
  green(text: string): string;
  /** Yellow text (warnings, refreshes). */
  yellow(text: string): string;
  /** Red text (errors). */
  red(text: string): string;
  /** Cyan text (URLs, names). */
  cyan(text: string): string;
}

/**
 * Whether colours should be used on a stream, in this order: `--no-color` turns them off;
 * `FORCE_COLOR` turns them on (`FORCE_COLOR=0` or `false`: off), even when piped, and wins over
 * `NO_COLOR`, as in Node; a non-empty `NO_COLOR` or `TERM=dumb` turns them off; otherwise they
 * are on only on a terminal.
 *
 * @example
 * ```ts
 * import { colorEnabled } from "./style.ts";
 *
 * colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" }); // true
 * ```
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["TERM"] === "dumb") return false;
  return stream.isTTY === true;
}

/**
 * Creates colour helpers; all of them return the text unchanged when `enabled` is false.
 *
 * @example
 * ```ts
 * import { createStyle } from "./style.ts";
 *
 * const style = createStyle(process.stderr.isTTY);
 * console.error(style.red("error:"), "something failed");
 * ```
 */
export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string): string => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    cyan: wrap(36, 39),
  };
}
