import type { Command } from "./command.ts";
import { COMMANDS } from "./commands/mod.ts";
import { createContext } from "./context.ts";
import { describeError } from "./describe_error.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { EXIT_HELP, GLOBAL_HELP, mainHelp } from "./help.ts";
import { parseCommandLine, splitCommand, type GlobalValues } from "./options.ts";
import { colorEnabled, createStyle } from "./style.ts";

/** Options of {@link run}. */
export interface RunOptions {
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The environment (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs `mly` with `argv` (without `node` and the script) and returns the exit code; errors are
 * printed to stderr as a message with the fix, never with a secret.
 *
 * @example
 * ```ts
 * import { run } from "./run.ts";
 *
 * process.exitCode = await run(["status"], { signal: new AbortController().signal });
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions): Promise<ExitCode> {
  const env = options.env ?? process.env;
  const { words, rest } = splitCommand(argv);
  const errStyle = createStyle(colorEnabled(process.stderr, env, argv.includes("--no-color")));
  const fail = (message: string, code: ExitCode): ExitCode => {
    process.stderr.write(`${errStyle.red("error:")} ${message}\n`);
    return code;
  };
  if (words.length === 0) {
    if (rest.includes("--version")) {
      process.stdout.write("mly 0.1.0\n");
      return EXIT.ok;
    }
    const help = rest.includes("--help") || rest.includes("-h");
    (help ? process.stdout : process.stderr).write(`${mainHelp(COMMANDS)}\n`);
    return help ? EXIT.ok : EXIT.usage;
  }
  if (words[0] === "help") {
    const target = _find(words.slice(1).concat(rest.filter((a) => !a.startsWith("-"))));
    process.stdout.write(`${target === undefined ? mainHelp(COMMANDS) : _commandHelp(target)}\n`);
    return EXIT.ok;
  }
  const command = _find(words);
  if (command === undefined) {
    const name = words.join(" ");
    if (words[0] === "mapiq") return fail("`mly mapiq` needs a subcommand: `mly mapiq token` or `mly mapiq get /v2/…`.", EXIT.usage);
    return fail(`Unknown command ${JSON.stringify(name)}. Commands: ${COMMANDS.map((c) => c.name).join(", ")}. See \`mly --help\`.`, EXIT.usage);
  }
  let parsed;
  try {
    parsed = parseCommandLine(rest, command.options, `mly ${command.name} --help`);
  } catch (error) {
    const report = describeError(error);
    return fail(report.message, report.exitCode);
  }
  if (parsed.values["help"] === true) {
    process.stdout.write(`${_commandHelp(command)}\n`);
    return EXIT.ok;
  }
  const globals = parsed.values as GlobalValues;
  let context;
  try {
    context = await createContext({
      globals: command.embeddedSandbox === undefined ? globals : { ...globals, sandbox: true },
      env,
      signal: options.signal,
      ...(command.embeddedSandbox === undefined ? {} : { sandboxSettings: command.embeddedSandbox }),
    });
  } catch (error) {
    const report = describeError(error);
    return fail(report.message, report.exitCode);
  }
  try {
    return await command.run(context, parsed);
  } catch (error) {
    const report = describeError(error, globals.profile ?? "default");
    if (report.exitCode === EXIT.interrupted) {
      process.stderr.write(`${report.message}\n`);
      return report.exitCode;
    }
    return fail(report.message, report.exitCode);
  } finally {
    await context.close();
  }
}

function _find(words: readonly string[]): Command | undefined {
  const two = words.slice(0, 2).join(" ");
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === words[0]);
}

function _commandHelp(command: Command): string {
  return `${command.help}\n\n${GLOBAL_HELP}\n\n${EXIT_HELP}`;
}

