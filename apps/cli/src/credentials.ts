import { CliError } from "./cli_error.ts";
import { EXIT } from "./exit_codes.ts";
import type { ProviderId } from "./providers.ts";

/** An app's credentials as far as they are known. */
export interface AppCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientToken: string | undefined;
}

/** Credentials given on the command line; they win over the environment. */
export interface CredentialFlags {
  "client-id"?: string | undefined;
  "client-secret"?: string | undefined;
  "client-token"?: string | undefined;
}

/** The environment variables each provider reads, in order of preference. */
export const CREDENTIAL_ENV: Readonly<Record<ProviderId, { id: readonly string[]; secret: readonly string[]; token: readonly string[] }>> = {
  mapillary: { id: ["MAPILLARY_CLIENT_ID"], secret: ["MAPILLARY_CLIENT_SECRET"], token: ["MAPILLARY_CLIENT_TOKEN"] },
  "mapillary-v2": {
    id: ["MAPILLARY_V2_CLIENT_ID", "MAPILLARY_CLIENT_ID"],
    secret: ["MAPILLARY_V2_CLIENT_SECRET", "MAPILLARY_CLIENT_SECRET"],
    token: [],
  },
  mapiq: { id: ["MAPIQ_CLIENT_ID"], secret: ["MAPIQ_CLIENT_SECRET"], token: [] },
  oauth2: { id: ["OAUTH2_CLIENT_ID"], secret: ["OAUTH2_CLIENT_SECRET"], token: [] },
};

/**
 * Reads a provider's credentials from the flags, then the environment.
 *
 * @example
 * ```ts
 * import { resolveCredentials } from "./credentials.ts";
 *
 * resolveCredentials("mapiq", {}, { MAPIQ_CLIENT_ID: "id", MAPIQ_CLIENT_SECRET: "s" }).clientId; // "id"
 * ```
 */
export function resolveCredentials(provider: ProviderId, flags: CredentialFlags, env: Readonly<Record<string, string | undefined>>): AppCredentials {
  const names = CREDENTIAL_ENV[provider];
  const fromEnv = (list: readonly string[]): string | undefined => {
    for (const name of list) {
      const value = env[name];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  return {
    clientId: flags["client-id"] ?? fromEnv(names.id),
    clientSecret: flags["client-secret"] ?? fromEnv(names.secret),
    clientToken: flags["client-token"] ?? fromEnv(names.token),
  };
}

/**
 * Throws a `CliError` (exit code 6) naming the flag and the environment variable to set when a
 * credential is missing.
 */
export function requireCredential(
  provider: ProviderId,
  credentials: AppCredentials,
  which: "clientId" | "clientSecret" | "clientToken",
): string {
  const value = credentials[which];
  if (value !== undefined) return value;
  const names = CREDENTIAL_ENV[provider];
  const [flag, envNames] =
    which === "clientId" ? ["--client-id", names.id] : which === "clientSecret" ? ["--client-secret", names.secret] : ["--client-token", names.token];
  const where =
    provider === "mapiq"
      ? "Mapiq support issues client credentials"
      : provider === "oauth2"
        ? "the client registered with your authorization server"
        : "find them under https://www.mapillary.com/dashboard/developers";
  throw new CliError(
    `Missing ${envNames[0] ?? flag}: export ${envNames[0] ?? "it"}=… or pass ${flag} (${where}). ` +
      "Or try everything locally against the embedded sandbox with --sandbox.",
    EXIT.credentials,
  );
}
