import { parseArgs } from "node:util";

/** What the command line asked for. */
export interface CliArgs {
  port: number;
  host: string;
  autoApprove: boolean;
  /** Mapillary v4 refresh mode of seed 001 (`settings.mapillaryRefreshTokens`). */
  refreshTokens: boolean;
  /** Registered callbacks (`redirectUris`); the first answers a `/connect` without `redirect_uri`. */
  redirectUris: string[];
  quiet: boolean;
  help: boolean;
}

/** Usage text of `mly-sandbox`. */
export const USAGE = `Usage: mly-sandbox [--port N] [--host ADDR] [--auto-approve] [--refresh-tokens] [--redirect-uri URL]… [--quiet]

Starts a local emulator of the Mapillary v4, Mapillary v2 (legacy) and Mapiq APIs,
prints its URLs and demo credentials, and runs until Ctrl-C.

  --port N          listen on port N (default: a random free port)
  --host ADDR       interface to bind (default 127.0.0.1; keep it on loopback)
  --auto-approve    skip the consent page and approve every authorization request
  --refresh-tokens  Mapillary v4 refresh as seed 001 says: the code exchange also returns a
                    separate single-use refresh_token, which a refresh requires (default: as
                    the official API docs say, the still-valid access token is the refresh token)
  --redirect-uri URL  register a callback URL (repeatable); the first one answers a /connect
                    without redirect_uri, like the dashboard's "Authentication URL"
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
      "refresh-tokens": { type: "boolean" },
      "redirect-uri": { type: "string", multiple: true },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port ?? ""}`);
  const redirectUris = values["redirect-uri"] ?? [];
  for (const uri of redirectUris) {
    if (!URL.canParse(uri)) throw new Error(`invalid --redirect-uri: ${uri} (give an absolute URL, e.g. https://app.example/callback)`);
  }
  return {
    port,
    host: values.host ?? "127.0.0.1",
    autoApprove: values["auto-approve"] ?? false,
    refreshTokens: values["refresh-tokens"] ?? false,
    redirectUris,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}
