import type { OAuthClient } from "./client.ts";
import { ConfigError } from "./errors.ts";
import { createPkce } from "./pkce.ts";
import { supportsGrant, type ProviderProfile } from "./profile.ts";
import { checkRedirectUri } from "./redirect_uri.ts";
import { checkScopes, formatScopes } from "./scopes.ts";
import { randomState } from "./pkce.ts";
import { Secret } from "./secret.ts";
import { isObject, parseJson } from "./_json.ts";

/** Options of {@link buildAuthorizationUrl}. */
export interface AuthorizationRequestOptions {
  /** The exact callback URL registered with the app; the same literal is sent again at the code exchange. */
  redirectUri: string;
  /** Scopes to request (default: the profile's default scopes). Unknown names throw. */
  scopes?: readonly string[];
  /** Send PKCE S256 (default: the profile's `pkce`). Harmless where the server ignores it. */
  pkce?: boolean;
  /** Extra query parameters (for example `prompt`). They cannot override the protocol parameters. */
  extraParams?: Record<string, string>;
  /** The current time in ms (default `Date.now()`), recorded to expire a forgotten login. */
  now?: number;
}

/**
 * What the client keeps between sending the user away and the callback: the state, the PKCE
 * verifier, the redirect URI and the scopes. Keep it server-side or in a secure session; it is
 * single-use. Its verifier is a {@link Secret}; {@link serializePendingAuthorization} stores it.
 */
export interface PendingAuthorization {
  /** The profile id the login is for. */
  readonly provider: string;
  /** The `state` sent (256 random bits). */
  readonly state: string;
  /** The PKCE verifier, when PKCE was sent. */
  readonly codeVerifier: Secret | undefined;
  /** The redirect URI sent. */
  readonly redirectUri: string;
  /** The scopes requested. */
  readonly scopes: readonly string[];
  /** `code`, or `token` for the legacy implicit flow. */
  readonly responseType: "code" | "token";
  /** When the login started, in ms. */
  readonly createdAt: number;
}

/** The result of {@link buildAuthorizationUrl}: where to send the user, and what to keep. */
export interface AuthorizationRequest {
  /** The authorization URL to open in the user's browser. */
  readonly url: string;
  /** What to keep until the callback. */
  readonly pending: PendingAuthorization;
}

/**
 * Builds the authorization URL of the code flow: a fresh 256-bit `state`, PKCE S256 where the
 * profile supports it, the scopes checked against the profile, the redirect URI checked against
 * RFC 9700.
 *
 * @throws {ConfigError} the profile has no code flow or the redirect URI is unsafe.
 * @throws {UnknownScopeError} a scope is unknown to the profile.
 *
 * @example
 * ```ts
 * import { buildAuthorizationUrl, createClient, mapillary } from "@mly/auth-core";
 *
 * const { url, pending } = await buildAuthorizationUrl(mapillary, createClient({ clientId: "1234" }), {
 *   redirectUri: "http://127.0.0.1:8765/callback",
 *   scopes: ["read"],
 * });
 * // open `url` in a browser; keep `pending` for validateCallback
 * ```
 */
export async function buildAuthorizationUrl(
  profile: ProviderProfile,
  client: OAuthClient,
  options: AuthorizationRequestOptions,
): Promise<AuthorizationRequest> {
  if (!supportsGrant(profile, "authorization_code")) throw new ConfigError(`${profile.name}: no code flow`);
  return authorizationRequest(profile, client, options, "code", (options.pkce ?? profile.pkce) ? await createPkce() : undefined);
}

/** Shared by the code flow and the legacy implicit flow. */
export function authorizationRequest(
  profile: ProviderProfile,
  client: OAuthClient,
  options: AuthorizationRequestOptions,
  responseType: "code" | "token",
  pkce: { verifier: Secret; challenge: string } | undefined,
): AuthorizationRequest {
  if (profile.authorizationEndpoint === undefined) throw new ConfigError(`${profile.name}: no authorizationEndpoint`);
  checkRedirectUri(options.redirectUri);
  const scopes = checkScopes(options.scopes ?? profile.defaultScopes, profile.scopes, profile.name);
  const state = randomState();
  const url = new URL(profile.authorizationEndpoint);
  // Extra parameters first: the protocol parameters override them; `undefined` removes one.
  const params: Record<string, string | undefined> = {
    ...options.extraParams,
    client_id: client.clientId,
    response_type: responseType,
    redirect_uri: options.redirectUri,
    scope: scopes.length > 0 ? formatScopes(scopes) : undefined,
    state,
    code_challenge: pkce?.challenge,
    code_challenge_method: pkce && "S256",
  };
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  // Space-delimited scopes as %20, as Mapillary's docs show, rather than '+' (only in the query).
  url.search = url.search.replace(/\+/g, "%20");
  return {
    url: url.href,
    pending: Object.freeze({
      provider: profile.id,
      state,
      codeVerifier: pkce?.verifier,
      redirectUri: options.redirectUri,
      scopes: Object.freeze(scopes),
      responseType,
      createdAt: options.now ?? Date.now(),
    }),
  };
}

/** Serializes a {@link PendingAuthorization} (verifier included) for a server-side session store. */
export function serializePendingAuthorization(pending: PendingAuthorization): string {
  return JSON.stringify({ ...pending, v: 1, codeVerifier: pending.codeVerifier?.reveal() });
}

/**
 * Reads a {@link PendingAuthorization} written by {@link serializePendingAuthorization}.
 *
 * @throws {ConfigError} the text is not a serialized pending authorization.
 */
export function parsePendingAuthorization(text: string): PendingAuthorization {
  const v = parseJson(text);
  if (
    !isObject(v) ||
    v["v"] !== 1 ||
    typeof v["provider"] !== "string" ||
    typeof v["state"] !== "string" ||
    typeof v["redirectUri"] !== "string" ||
    !Array.isArray(v["scopes"]) ||
    !v["scopes"].every((scope): scope is string => typeof scope === "string") ||
    (v["responseType"] !== "code" && v["responseType"] !== "token") ||
    typeof v["createdAt"] !== "number" ||
    (v["codeVerifier"] !== undefined && typeof v["codeVerifier"] !== "string")
  ) {
    throw new ConfigError("Invalid stored login; start a new login.");
  }
  return Object.freeze({
    provider: v["provider"],
    state: v["state"],
    codeVerifier: typeof v["codeVerifier"] === "string" ? new Secret(v["codeVerifier"]) : undefined,
    redirectUri: v["redirectUri"],
    scopes: Object.freeze([...v["scopes"]]),
    responseType: v["responseType"],
    createdAt: v["createdAt"],
  });
}
