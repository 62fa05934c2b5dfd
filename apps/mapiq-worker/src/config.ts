/**
 * Flags and environment of `mly-mapiq-worker`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** What a run uses. */
export interface WorkerConfig {
  /** Worker processes. */
  workers: number;
  /** Seconds to run. */
  durationS: number;
  /** Start the embedded sandbox with a scaled limit and short tokens. */
  sandbox: boolean;
  /** The server's limit per operation: requests per window (default Mapiq's 20; sandbox 20). */
  limit: number;
  /** The window, ms (default Mapiq's 60 000; sandbox 2000). */
  windowMs: number;
  /** Sandbox only: token lifetime, s (default 6). */
  tokenLifetimeS: number;
  /** Tolerated clock difference, ms (default 30 000; sandbox 500). */
  clockSkewMs: number;
  /** Never refresh less than this ahead of expiry, ms (default 30 000; sandbox 2000). */
  refreshMinMarginMs: number;
  /** Redis for the shared token store and rate limiter. */
  redisUrl: string;
  /** Prefix of every Redis key. */
  redisPrefix: string;
  /** Mapiq credentials (not in sandbox mode). */
  clientId: string | undefined;
  /** Mapiq client secret. */
  clientSecret: string | undefined;
  /** Mapiq endpoint overrides. */
  endpoints: { tokenEndpoint?: string; apiBaseUrl?: string };
  /** Print the summary as one JSON line at the end. */
  json: boolean;
  /** Print the help. */
  help: boolean;
}

/** The `--help` text. */
export const WORKER_HELP = `mly-mapiq-worker — N processes polling the Mapiq API, one shared token and one shared quota (Redis)

Usage: mly-mapiq-worker [--sandbox] [--workers N] [--duration S] [--limit N --window-ms MS] [--json]

  --workers N              worker processes (default 4)
  --duration S             seconds to run (default 30; sandbox 15)
  --sandbox                start the embedded Mapiq emulator with a scaled limit (20 per 2 s) and 6-second tokens
  --limit N, --window-ms MS  the server's limit per operation (default 20 per 60000 ms: Mapiq's documented limit)
  --token-lifetime S       sandbox: token lifetime in seconds (default 6)
  --clock-skew-ms MS       tolerated clock difference (default 30000; sandbox 500)
  --refresh-min-margin-ms MS  refresh at least this long before expiry (default 30000; sandbox 2000)
  --redis-url URL          Redis shared by the workers (env REDIS_URL; default redis://127.0.0.1:6379)
  --redis-prefix P         prefix of the Redis keys (default mly:mapiq-worker)
  --json                   print the summary as JSON at the end

Against Mapiq: MAPIQ_CLIENT_ID and MAPIQ_CLIENT_SECRET (issued by Mapiq support).
Endpoint overrides: MAPIQ_TOKEN_URL, MAPIQ_API_URL.
`;

/**
 * Reads the flags and the environment.
 *
 * @throws {TypeError} a bad value (the message names the flag).
 *
 * @example
 * ```ts
 * import { parseWorkerConfig } from "@mly/mapiq-worker";
 *
 * parseWorkerConfig(["--sandbox", "--workers", "2"], {}).windowMs; // 2000
 * ```
 */
export function parseWorkerConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const { values } = parseArgs({
    args: withoutLeadingDashDash(argv),
    options: {
      workers: { type: "string" },
      duration: { type: "string" },
      sandbox: { type: "boolean" },
      limit: { type: "string" },
      "window-ms": { type: "string" },
      "token-lifetime": { type: "string" },
      "clock-skew-ms": { type: "string" },
      "refresh-min-margin-ms": { type: "string" },
      "redis-url": { type: "string" },
      "redis-prefix": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  const sandbox = values.sandbox === true;
  const endpoints: WorkerConfig["endpoints"] = {};
  const tokenUrl = nonEmpty(env["MAPIQ_TOKEN_URL"]);
  const apiUrl = nonEmpty(env["MAPIQ_API_URL"]);
  if (tokenUrl !== undefined) endpoints.tokenEndpoint = tokenUrl;
  if (apiUrl !== undefined) endpoints.apiBaseUrl = apiUrl;
  return {
    workers: int("--workers", values.workers, 4, 1, 64),
    durationS: int("--duration", values.duration, sandbox ? 15 : 30, 1, 86_400),
    sandbox,
    limit: int("--limit", values.limit, 20, 1, 1_000_000),
    windowMs: int("--window-ms", values["window-ms"], sandbox ? 2000 : 60_000, 100, 86_400_000),
    tokenLifetimeS: int("--token-lifetime", values["token-lifetime"], 6, 2, 86_400),
    clockSkewMs: int("--clock-skew-ms", values["clock-skew-ms"], sandbox ? 500 : 30_000, 0, 3_600_000),
    refreshMinMarginMs: int("--refresh-min-margin-ms", values["refresh-min-margin-ms"], sandbox ? 2000 : 30_000, 0, 3_600_000),
    redisUrl: nonEmpty(values["redis-url"] ?? env["REDIS_URL"]) ?? "redis://127.0.0.1:6379",
    redisPrefix: nonEmpty(values["redis-prefix"]) ?? "mly:mapiq-worker",
    clientId: nonEmpty(env["MAPIQ_CLIENT_ID"]),
    clientSecret: nonEmpty(env["MAPIQ_CLIENT_SECRET"]),
    endpoints,
    json: values.json === true,
    help: values.help === true,
  };
}

function int(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text.slice(0, 40))}.`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** `pnpm --filter … start -- --sandbox` passes the `--` on: a leading `--` only separates, it ends nothing. */
function withoutLeadingDashDash(argv: readonly string[]): string[] {
  return argv[0] === "--" ? argv.slice(1) : [...argv];
}
