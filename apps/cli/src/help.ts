import type { Command } from "./command.ts";

/** The global part of every help text. */
export const GLOBAL_HELP = `Global options:
  -p, --profile NAME     the profile to use (default: default)
  --config-dir DIR       where profiles and tokens live (default: $MLY_CONFIG_DIR or ~/.config/mly)
  --sandbox              run this command against an embedded sandbox (auto-approve; its own
                         credentials; tokens in a temporary directory unless --config-dir)
  --sandbox-url URL      use a running sandbox (\`mly-sandbox\`), also $MLY_SANDBOX_URL; the URL is
                         saved with the profile so later commands reach the same server
  --client-id ID         the app's client id (else MAPILLARY_CLIENT_ID / MAPIQ_CLIENT_ID)
  --client-secret S      the app's secret (prefer MAPILLARY_CLIENT_SECRET / MAPIQ_CLIENT_SECRET)
  --client-token T       Mapillary client token (else MAPILLARY_CLIENT_TOKEN)
  --no-color             no colours (also NO_COLOR=1; colours are only used on a terminal)
  -h, --help             help`;

/** Exit codes, as printed by `mly --help`. */
export const EXIT_HELP = `Exit codes:
  0 ok · 1 usage · 2 login required · 3 rate limited · 4 network · 5 other error ·
  6 missing or refused app credentials · 130 interrupted (Ctrl-C)`;

/** The top-level help. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `mly — Mapillary and Mapiq from the command line (the mly SDK's CLI)

Usage: mly <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Try it without an account: mly demo
Run \`mly <command> --help\` for a command's options.

${GLOBAL_HELP}

${EXIT_HELP}`;
}
