import type { Command } from "./command.ts";

/** The global options in full, as `mly --help` prints them. */
export const GLOBAL_HELP = `Global options (every command takes them):
  -p, --profile NAME     the profile to use (default: default)
  --config-dir DIR       where profiles and tokens live (default: $MLY_CONFIG_DIR or ~/.config/mly)
  --sandbox              run this command against an embedded sandbox (auto-approve; its own
                         credentials; tokens in a temporary directory unless --config-dir)
  --sandbox-url URL      use a running sandbox (\`mly-sandbox\`), also $MLY_SANDBOX_URL; the URL is
                         saved with the profile so later commands reach the same server
  --client-id ID         the app's client id (else MAPILLARY_CLIENT_ID / MAPIQ_CLIENT_ID)
  --client-secret S      the app's secret (prefer MAPILLARY_CLIENT_SECRET / MAPIQ_CLIENT_SECRET)
  --client-token T       Mapillary client token (else MAPILLARY_CLIENT_TOKEN)
  --no-color             no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them when piped)
  -h, --help             help`;

/** The global options in two lines, at the end of each command's help (as gh's "INHERITED FLAGS"). */
export const INHERITED_HELP = `Inherited options (see \`mly --help\`):
  -p, --profile NAME · --config-dir DIR · --sandbox · --sandbox-url URL · --client-id ID
  --client-secret S · --client-token T · --no-color · -h, --help`;

/** Exit codes, as printed by `mly --help`. */
export const EXIT_HELP = `Exit codes:
  0 ok · 1 usage · 2 login required · 3 rate limited · 4 network · 5 other error ·
  6 missing or refused app credentials · 130 interrupted (Ctrl-C)`;

/** The command groups: a first word that takes a subcommand (`mly mapiq token`). */
export function commandGroups(commands: readonly Command[]): string[] {
  return [...new Set(commands.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0] ?? ""))];
}

/** The top-level help (`mly`, `mly --help`, `mly help`). */
export function mainHelp(commands: readonly Command[]): string {
  return `mly — Mapillary and Mapiq from the command line (the mly SDK's CLI)

Usage: mly [global options] <command> [options]

Commands:
${list(commands)}

Try it without an account: mly demo
Run \`mly <command> --help\` for a command's options.

${GLOBAL_HELP}

${EXIT_HELP}`;
}

/** The help of a group (`mly mapiq`, `mly mapiq --help`): its subcommands. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return `Usage: mly ${group} <command> [options]

Commands:
${list(members)}

Run \`mly ${group} <command> --help\` for a command's options.

${INHERITED_HELP}`;
}

/** One command's help: its own text, then the inherited options in short. */
export function commandHelp(command: Command): string {
  return `${command.help}\n\n${INHERITED_HELP}`;
}

function list(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
}
