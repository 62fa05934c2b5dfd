/**
 * Command-line flags and environment of `mly-web`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** What `mly-web` runs with. */
export interface WebConfig {
  /** Start the embedded sandbox and point everything at it. */
  sandbox: boolean;
  /** Sandbox only: skip its consent page. */
  autoApprove: boolean;
  /** Port to listen on (0: any free port). */
  port: number;
  /** Address to listen on. */
  host: string;
  /** The public origin (default `http://<host>:<port>`). Must be HTTPS unless on loopback. */
  baseUrl: string | undefined;
  /** Redis for tokens and sessions; memory when `undefined`. */
  redisUrl: string | undefined;
  /** The area whose images are listed; `undefined`: the sandbox's data set (required against Mapillary). */
  bbox: [number, number, number, number] | undefined;
  /** Mapillary app id (real Mapillary). */
  clientId: string | undefined;
  /** Mapillary client secret (real Mapillary). */
  clientSecret: string | undefined;
  /** Mapillary client token (real Mapillary): the public token the map's tile URLs carry. */
  clientToken: string | undefined;
  /** Endpoint overrides, e.g. for a sandbox started elsewhere. */
  endpoints: { authorizationEndpoint?: string; tokenEndpoint?: string; apiBaseUrl?: string };
  /** Print the help. */
  help: boolean;
}

/** The `--help` text. */
export const WEB_HELP = `mly-web — "Sign in with Mapillary" sample app (Hono on Node)

Usage: mly-web [--sandbox [--auto-approve]] [--port N] [--host ADDR] [--base-url URL]
               [--redis-url URL | --memory] [--bbox W,S,E,N]

  --sandbox          start the embedded Mapillary emulator and use it (env MLY_WEB_SANDBOX=1)
  --auto-approve     sandbox only: approve the consent page by itself
  --port N           port to listen on (env PORT; default 3000)
  --host ADDR        address to listen on (env HOST; default 127.0.0.1)
  --base-url URL     public origin, HTTPS unless loopback (env MLY_WEB_BASE_URL; default http://HOST:PORT)
                     the OAuth callback is <base-url>/auth/callback: register exactly that URL
  --redis-url URL    keep tokens and sessions in Redis (env REDIS_URL); without it: in memory
  --memory           ignore REDIS_URL and keep everything in memory
  --bbox W,S,E,N     area whose images are listed (env MLY_WEB_BBOX; required against Mapillary)

Against Mapillary: MAPILLARY_CLIENT_ID and MAPILLARY_CLIENT_SECRET (the app's "client secret", MLY|…);
MAPILLARY_CLIENT_TOKEN (the app's public "client token") puts the user's images on a map.
Endpoint overrides: MAPILLARY_AUTHORIZATION_URL, MAPILLARY_TOKEN_URL, MAPILLARY_API_URL.
`;

/**
 * Reads the flags and the environment.
 *
 * @throws {TypeError} a flag or variable has a bad value (the message says which and how to fix it).
 *
 * @example
 * ```ts
 * import { parseWebConfig } from "@mly/web";
 *
 * const config = parseWebConfig(["--sandbox", "--port", "0"], {});
 * config.sandbox; // true
 * ```
 */
export function parseWebConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): WebConfig {
  const { values } = parseArgs({
    args: withoutLeadingDashDash(argv),
    options: {
      sandbox: { type: "boolean" },
      "auto-approve": { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      "base-url": { type: "string" },
      "redis-url": { type: "string" },
      memory: { type: "boolean" },
      bbox: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  const portText = values.port ?? env["PORT"] ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`--port must be a port number (0-65535), got ${JSON.stringify(portText)}.`);
  const redisUrl = values.memory === true ? undefined : nonEmpty(values["redis-url"] ?? env["REDIS_URL"]);
  const bboxText = nonEmpty(values.bbox ?? env["MLY_WEB_BBOX"]);
  const endpoints: WebConfig["endpoints"] = {};
  const auth = nonEmpty(env["MAPILLARY_AUTHORIZATION_URL"]);
  const token = nonEmpty(env["MAPILLARY_TOKEN_URL"]);
  const api = nonEmpty(env["MAPILLARY_API_URL"]);
  if (auth !== undefined) endpoints.authorizationEndpoint = auth;
  if (token !== undefined) endpoints.tokenEndpoint = token;
  if (api !== undefined) endpoints.apiBaseUrl = api;
  return {
    sandbox: values.sandbox === true || truthy(env["MLY_WEB_SANDBOX"]),
    autoApprove: values["auto-approve"] === true,
    port,
    host: values.host ?? env["HOST"] ?? "127.0.0.1",
    baseUrl: nonEmpty(values["base-url"] ?? env["MLY_WEB_BASE_URL"]),
    redisUrl,
    bbox: bboxText === undefined ? undefined : parseBbox(bboxText),
    clientId: nonEmpty(env["MAPILLARY_CLIENT_ID"]),
    clientSecret: nonEmpty(env["MAPILLARY_CLIENT_SECRET"]),
    clientToken: nonEmpty(env["MAPILLARY_CLIENT_TOKEN"]),
    endpoints,
    help: values.help === true,
  };
}

/**
 * Parses `west,south,east,north` in degrees.
 *
 * @throws {TypeError} not four numbers in range with west < east and south < north.
 *
 * @example
 * ```ts
 * import { parseBbox } from "@mly/web";
 *
 * parseBbox("13.37,52.50,13.40,52.52"); // [13.37, 52.5, 13.4, 52.52]
 * ```
 */
export function parseBbox(text: string): [number, number, number, number] {
  const parts = text.split(",").map((part) => part.trim());
  const numbers = parts.map((part) => (/^-?\d+(\.\d+)?$/.test(part) ? Number(part) : Number.NaN));
  const [w, s, e, n] = numbers;
  if (
    numbers.length !== 4 ||
    w === undefined ||
    s === undefined ||
    e === undefined ||
    n === undefined ||
    numbers.some((x) => !Number.isFinite(x)) ||
    w < -180 ||
    e > 180 ||
    s < -90 ||
    n > 90 ||
    w >= e ||
    s >= n
  ) {
    throw new TypeError(`--bbox must be west,south,east,north in degrees (west < east, south < north), got ${JSON.stringify(text.slice(0, 80))}.`);
  }
  return [w, s, e, n];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** `pnpm --filter … start -- --sandbox` passes the `--` on: a leading `--` only separates, it ends nothing. */
function withoutLeadingDashDash(argv: readonly string[]): string[] {
  return argv[0] === "--" ? argv.slice(1) : [...argv];
}
