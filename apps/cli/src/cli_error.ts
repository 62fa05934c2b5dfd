import type { ExitCode } from "./exit_codes.ts";

/**
 * An error the CLI reports as is: a message for humans (with the fix) and an exit code.
 *
 * @example
 * ```ts
 * import { CliError } from "./cli_error.ts";
 * import { EXIT } from "./exit_codes.ts";
 *
 * throw new CliError("--bbox is required, e.g. --bbox -89.41,43.06,-89.39,43.08", EXIT.usage);
 * ```
 */
export class CliError extends Error {
  /** The process exit code. */
  readonly exitCode: ExitCode;

  /** Creates an error with its exit code. */
  constructor(message: string, exitCode: ExitCode, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
