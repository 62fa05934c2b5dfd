import { ConfigError } from "./errors.ts";
import { type Secret, toSecret } from "./secret.ts";

/** An app's credentials as the caller gives them; strings are wrapped in {@link Secret}s at once. */
export interface ClientCredentialsInput {
  /** The client id (Mapillary: the numeric app id). */
  clientId: string;
  /** The client secret (confidential clients). */
  clientSecret?: string | Secret | undefined;
  /** Mapillary's public client token, for tiles and app-level calls. */
  clientToken?: string | Secret | undefined;
}

/** An app's credentials with every secret wrapped. */
export interface OAuthClient {
  /** The client id. */
  readonly clientId: string;
  /** The client secret, if any. */
  readonly clientSecret: Secret | undefined;
  /** Mapillary's public client token, if any. */
  readonly clientToken: Secret | undefined;
}

/**
 * Normalises client credentials, wrapping secrets so they can never be printed.
 *
 * @throws {ConfigError} the client id is empty.
 *
 * @example
 * ```ts
 * import { createClient } from "@mly/auth-core";
 *
 * const client = createClient({ clientId: "1234", clientSecret: "MLY|1234|abc" });
 * JSON.stringify(client); // {"clientId":"1234","clientSecret":"[redacted]"}
 * ```
 */
export function createClient(input: ClientCredentialsInput | OAuthClient): OAuthClient {
  if (typeof input.clientId !== "string" || input.clientId.trim() === "") {
    throw new ConfigError("The client id is empty.");
  }
  return Object.freeze({
    clientId: input.clientId,
    clientSecret: input.clientSecret === undefined ? undefined : toSecret(input.clientSecret),
    clientToken: input.clientToken === undefined ? undefined : toSecret(input.clientToken),
  });
}

/** The client secret, or a {@link ConfigError} saying it is needed. */
export function requireSecret(client: OAuthClient, purpose: string): Secret {
  if (client.clientSecret === undefined) {
    throw new ConfigError(`${purpose}: clientSecret required`);
  }
  return client.clientSecret;
}

