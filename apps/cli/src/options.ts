import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError } from "./cli_error.ts";
import { didYouMean } from "./did_you_mean.ts";
import { EXIT } from "./exit_codes.ts";

/** One option of `node:util` parseArgs. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string];

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<keyof GlobalValues, OptionSpec>> = {
  help: { type: "boolean", short: "h" },
  "config-dir": { type: "string" },
  profile: { type: "string", short: "p" },
  sandbox: { type: "boolean" },
  "sandbox-url": { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "client-token": { type: "string" },
  "no-color": { type: "boolean" },
};

/** The parsed global options. */
export interface GlobalValues {
  help?: boolean | undefined;
  "config-dir"?: string | undefined;
  profile?: string | undefined;
  sandbox?: boolean | undefined;
  "sandbox-url"?: string | undefined;
  "client-id"?: string | undefined;
  "client-secret"?: string | undefined;
  "client-token"?: string | undefined;
  "no-color"?: boolean | undefined;
}

/** The result of {@link parseCommandLine}. */
export interface ParsedCommandLine {
  /** The values of the global and command options. */
  values: Record<string, string | boolean | undefined>;
  /** The positional arguments after the command words. */
  positionals: string[];
}

/**
 * Parses `argv` (without the command words) against the global options plus the command's, with
 * `node:util` parseArgs in strict mode; mistakes become a `CliError` with exit code 1.
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./options.ts";
 *
 * parseCommandLine(["--limit", "10"], { limit: { type: "string" } }).values["limit"]; // "10"
 * ```
 */
export function parseCommandLine(argv: readonly string[], options: Record<string, OptionSpec>, usage = "mly --help"): ParsedCommandLine {
  const all = { ...GLOBAL_OPTIONS, ...options };
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, ".") : String(error);
    throw new CliError(`${message}${suggestOption(message, all)}\nSee \`${usage}\`.`, EXIT.usage);
  }
}

/** ` Did you mean --json?` for `Unknown option '--jsno'`, or nothing. */
function suggestOption(message: string, options: Record<string, OptionSpec>): string {
  const unknown = /^Unknown option '--([^'=]+)/.exec(message)?.[1];
  if (unknown === undefined) return "";
  const suggestion = didYouMean(unknown, Object.keys(options));
  return suggestion === undefined ? "" : ` Did you mean --${suggestion}?`;
}

/** `--bbox -89.4,43.0,…`: a value starting with a minus sign is a value, not an option. */
function joinNegativeValues(argv: readonly string[], options: Record<string, OptionSpec>): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const next = argv[i + 1];
    if (arg.startsWith("--") && !arg.includes("=") && options[arg.slice(2)]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/**
 * The command words at the start of `argv` (`["mapiq", "get"]`), skipping global options and
 * their values wherever they stand (`mly -p v2 me`, `mly --profile=v2 me`, `mly me -p v2`), and
 * a leading `--` (`pnpm … mly -- me` passes it on). `groups` are the words that take a
 * subcommand (`mapiq`).
 *
 * @example
 * ```ts
 * import { splitCommand } from "./options.ts";
 *
 * splitCommand(["-p", "v2", "me", "--json"], ["mapiq"]); // { words: ["me"], rest: ["-p", "v2", "--json"] }
 * ```
 */
export function splitCommand(argv: readonly string[], groups: readonly string[] = ["mapiq"]): { words: string[]; rest: string[] } {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const words: string[] = [];
  const rest: string[] = [];
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const takesWord = words.length === 0 || (words.length === 1 && groups.includes(words[0] ?? ""));
    if (!optionsEnded && takesWord && !arg.startsWith("-") && !isGlobalValue(args, i)) {
      words.push(arg);
      continue;
    }
    if (arg === "--") optionsEnded = true;
    rest.push(arg);
  }
  return { words, rest };
}

/** Whether `args[i]` is the value of the global string option before it (`--profile v2`, `-p v2`). */
function isGlobalValue(args: readonly string[], i: number): boolean {
  const previous = args[i - 1];
  if (previous === undefined || previous.includes("=") || previous === "--" || isGlobalValue(args, i - 1)) return false;
  const globals = GLOBAL_OPTIONS as Record<string, OptionSpec>;
  const spec = previous.startsWith("--") ? globals[previous.slice(2)] : Object.values(globals).find((o) => previous === `-${o.short ?? "\u0000"}`);
  return spec?.type === "string";
}

/** Reads a positive whole number option, or throws a usage error. */
export function intOption(value: string | boolean | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d+$/.test(value) || Number(value) < min) {
    throw new CliError(`--${name} must be a whole number ≥ ${min} (got ${JSON.stringify(value)}).`, EXIT.usage);
  }
  return Number(value);
}

/** Reads a string option. */
export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
