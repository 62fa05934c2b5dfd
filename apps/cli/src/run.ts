import type { Command } from "./command.ts";
import { COMMANDS } from "./commands/mod.ts";
import { createContext } from "./context.ts";
import { describeError } from "./describe_error.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { didYouMean } from "./did_you_mean.ts";
import { commandGroups, commandHelp, groupHelp, mainHelp } from "./help.ts";
import { GLOBAL_OPTIONS, parseCommandLine, splitCommand, type GlobalValues, type OptionSpec } from "./options.ts";
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
  const groups = commandGroups(COMMANDS);
  const { words, rest } = splitCommand(argv, groups);
  const errStyle = createStyle(colorEnabled(process.stderr, env, argv.includes("--no-color")));
  const fail = (message: string, code: ExitCode): ExitCode => {
    process.stderr.write(`${errStyle.red("error:")} ${message}\n`);
    return code;
  };
  const help = (text: string): ExitCode => {
    process.stdout.write(`${text}\n`);
    return EXIT.ok;
  };
  if (words.length === 0) {
    if (rest.includes("--version")) {
      process.stdout.write("mly 0.1.0\n");
      return EXIT.ok;
    }
    const unknown = rest.find((arg) => arg.startsWith("-") && !isHelpOrGlobal(arg));
    if (unknown !== undefined) return fail(`Unknown option ${JSON.stringify(unknown)} without a command.${suggestion(unknown.replace(/^-+/, "").replace(/=.*$/, ""), ["version", "help"], "--")}\nSee \`mly --help\`.`, EXIT.usage);
    // `mly`, like `gh` and `git`: the help, on stdout, exit 0.
    return help(mainHelp(COMMANDS));
  }
  if (words[0] === "help") {
    const topic = words.slice(1).concat(rest.filter((a) => !a.startsWith("-")));
    const target = find(topic);
    if (target !== undefined) return help(commandHelp(target));
    return help(groups.includes(topic[0] ?? "") ? groupHelp(topic[0] ?? "", COMMANDS) : mainHelp(COMMANDS));
  }
  const command = find(words);
  if (command === undefined) {
    const group = groups.find((g) => g === words[0]);
    if (group !== undefined && words.length === 1) {
      // `mly mapiq` and `mly mapiq --help`: the group's help.
      return help(groupHelp(group, COMMANDS));
    }
    if (group !== undefined) {
      const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.slice(group.length + 1));
      return fail(`Unknown command "mly ${words.join(" ")}".${suggestion(words[1] ?? "", subcommands, `mly ${group} `)}\nSee \`mly ${group} --help\`.`, EXIT.usage);
    }
    const names = [...new Set(COMMANDS.map((c) => c.name.split(" ")[0] ?? ""))];
    return fail(`Unknown command ${JSON.stringify(words[0])}.${suggestion(words[0] ?? "", names, "mly ")}\nSee \`mly --help\` for the commands.`, EXIT.usage);
  }
  let parsed;
  try {
    parsed = parseCommandLine(rest, command.options, `mly ${command.name} --help`);
  } catch (error) {
    const report = describeError(error);
    return fail(report.message, report.exitCode);
  }
  if (parsed.values["help"] === true) return help(commandHelp(command));
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

function find(words: readonly string[]): Command | undefined {
  const two = words.slice(0, 2).join(" ");
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === words[0]);
}

/** ` Did you mean \`mly status\`?` or nothing. */
function suggestion(input: string, candidates: readonly string[], prefix: string): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? "" : ` Did you mean \`${prefix}${match}\`?`;
}

function isHelpOrGlobal(arg: string): boolean {
  const name = arg.replace(/=.*$/, "");
  if (name === "-h" || name === "--help" || name === "--version" || name === "--") return true;
  const globals = GLOBAL_OPTIONS as Record<string, OptionSpec>;
  return name.startsWith("--") ? globals[name.slice(2)] !== undefined : Object.values(globals).some((o) => name === `-${o.short ?? "\u0000"}`);
}
