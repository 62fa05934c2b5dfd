import { parseArgs } from "node:util";

/** What the command line asked for. */
export interface CliArgs {
  port: number;
  host: string;
  autoApprove: boolean;
  quiet: boolean;
  help: boolean;
}

/** Usage text of `mly-sandbox`. */
export const USAGE = `Usage: mly-sandbox [--port N] [--host ADDR] [--auto-approve] [--quiet]

Starts a local emulator of the Mapillary v4, Mapillary v2 (legacy) and Mapiq APIs,
prints its URLs and demo credentials, and runs until Ctrl-C.

  --port N          listen on port N (default: a random free port)
  --host ADDR       interface to bind (default 127.0.0.1; keep it on loopback)
  --auto-approve    skip the consent page and approve every authorization request
  --quiet           do not print one line per request
  --help            show this text`;

/** Parses `argv` (without the node and script entries). Throws on bad input. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "auto-approve": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port ?? ""}`);
  return {
    port,
    host: values.host ?? "127.0.0.1",
    autoApprove: values["auto-approve"] ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}
