import type { SandboxSettingsInit } from "@mly/sandbox";
import type { Context } from "./context.ts";
import type { ExitCode } from "./exit_codes.ts";
import type { OptionSpec } from "./options.ts";

/** The parsed command line of one command. */
export interface CommandInput {
  /** Option values (global and the command's). */
  readonly values: Record<string, string | boolean | undefined>;
  /** Positional arguments. */
  readonly positionals: readonly string[];
}

/** One `mly` command. */
export interface Command {
  /** The command words, e.g. `images` or `mapiq get`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** The command's own options (the global ones are added). */
  readonly options: Record<string, OptionSpec>;
  /** Runs the command; returns the exit code. */
  run(context: Context, input: CommandInput): Promise<ExitCode>;
  /** Always run against the embedded sandbox, with these settings (`mly demo`). */
  readonly embeddedSandbox?: SandboxSettingsInit;
}
