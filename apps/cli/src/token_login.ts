import { createClient, type ProviderProfile } from "@mly/auth-core";
import { importToken } from "@mly/fetch/tokens";
import { CliError } from "./cli_error.ts";
import type { Context } from "./context.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { humanExpiry } from "./human_time.ts";
import type { ProviderId } from "./providers.ts";
import { readLine } from "./read_line.ts";
import { profileTokenKey, saveLogin } from "./session.ts";

/** What {@link tokenLogin} needs. */
export interface TokenLoginOptions {
  /** The profile name. */
  name: string;
  /** The provider the token is for. */
  provider: ProviderId;
  /** The app's client id (the token key, and `client_id` on Mapillary v2 calls). */
  clientId: string;
  /** The provider's profile (pointed at a sandbox, maybe). */
  profile: ProviderProfile;
  /** The sandbox URL, for sandbox profiles. */
  sandboxUrl: string | undefined;
  /** Where the token is read from (stdin). */
  input: NodeJS.ReadableStream;
}

/**
 * `mly login --token`: reads a user token from stdin (never from argv, where other local users
 * could see it), checks it with one call (`validateToken`: Mapillary v4 `GET /me`, v2
 * `GET /v2/me`), stores it under the profile (`importToken`) with the user name behind it.
 * Nothing is stored when the check fails.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import type { Context } from "./context.ts";
 * import { tokenLogin } from "./token_login.ts";
 *
 * declare const context: Context;
 * await tokenLogin(context, { name: "default", provider: "mapillary", clientId: "1234", profile: mapillary, sandboxUrl: undefined, input: process.stdin });
 * ```
 */
export async function tokenLogin(context: Context, options: TokenLoginOptions): Promise<ExitCode> {
  const { name, provider, clientId, profile, sandboxUrl } = options;
  if ((options.input as { isTTY?: boolean }).isTTY === true) {
    context.err(`Paste the ${profile.name} user token and press Enter (it is read from stdin, never from the command line):`);
  }
  const token = await readLine(options.input, { what: "the token", signal: context.signal });
  if (provider === "mapillary" && token.startsWith("MLY|")) {
    throw new CliError("That is an app token (MLY|…), not a user token: pass the app's client token as MAPILLARY_CLIENT_TOKEN instead. `mly login --token` takes a user access token.", EXIT.usage);
  }
  const key = profileTokenKey(name, provider, clientId);
  const { tokens, info } = await importToken(context.store, key, token, { profile, client: createClient({ clientId }), kind: "user", signal: context.signal });
  await saveLogin(context, { name, provider, clientId, tokens, sandboxUrl, user: info?.user, stored: true });
  const who = info?.user === undefined ? "" : ` (user ${info.user.username ?? info.user.id})`;
  context.err(`${context.style.green("✓")} Saved the ${profile.name} token as profile ${context.style.bold(name)}${who}; expires ${humanExpiry(tokens.expiresAt, Date.now())}.`);
  return EXIT.ok;
}
