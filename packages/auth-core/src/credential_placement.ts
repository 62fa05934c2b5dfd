import type { OAuthClient } from "./client.ts";
import { ConfigError, TokenNotYetValidError } from "./errors.ts";
import type { ProviderProfile } from "./profile.ts";
import { REDACTED, type Secret } from "./secret.ts";
import { defineInspect } from "./_inspect.ts";
import type { TokenSet } from "./token_set.ts";

/** A request to authorize: its URL and headers. */
export interface ApiRequest {
  /** The absolute URL. */
  url: string | URL;
  /** Headers to send; the credential header is added to a copy. */
  headers?: Headers | Record<string, string>;
}

/** An authorized request: the URL (with `client_id` or tile `access_token` where the API wants them) and headers. */
export interface AuthorizedRequest {
  /** The URL to call. */
  readonly url: string;
  /** The headers to send. */
  readonly headers: Headers;
}

/** Options of {@link authorizeRequest}. */
export interface AuthorizeOptions {
  /** The app's credentials (Mapillary v2 needs `client_id` on every call). */
  client?: OAuthClient;
  /** The current time in ms, to honour `not_before` (default `Date.now()`). */
  now?: number;
  /** Put a USER token in the URL even though Mapillary "STRONGLY discourages" it. Default `false`. */
  allowUserTokenInUrl?: boolean;
  /** Send the token to URLs outside the profile's API and tiles base URLs. Default `false`. */
  allowOtherOrigins?: boolean;
}

/**
 * Adds the credential where the API wants it: `Authorization: OAuth <t>` for Mapillary v4
 * graph calls, `?access_token=` for Mapillary tiles (client token only), `Authorization: Bearer`
 * plus `?client_id=` for Mapillary v2, `Authorization: Bearer` for Mapiq and generic servers.
 *
 * @throws {ConfigError} a user token would go into a URL without `allowUserTokenInUrl`, or v2 lacks the client.
 * @throws {TokenNotYetValidError} the token's `not_before` has not come.
 *
 * @example
 * ```ts
 * import { authorizeRequest, mapillary, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const { url, headers } = authorizeRequest(mapillary, tokens, { url: "https://graph.mapillary.com/me?fields=id" });
 * await fetch(url, { headers });
 * ```
 */
export function authorizeRequest(profile: ProviderProfile, tokens: TokenSet, request: ApiRequest, options: AuthorizeOptions = {}): AuthorizedRequest {
  const placed = placeCredential(profile, tokens, String(request.url), options);
  const headers = new RedactingHeaders(request.headers);
  if (placed.authorization !== undefined) headers.set("authorization", placed.authorization);
  const authorized = { url: placed.url, headers };
  // Printing the result (util.inspect, JSON.stringify) must not show the credential.
  Object.defineProperty(authorized, "toJSON", { value: () => ({ url: redactUrl(placed.url), headers }), enumerable: false });
  defineInspect(authorized, () => `AuthorizedRequest ${JSON.stringify(authorized)}`);
  return authorized;
}

/** `Headers` whose printed forms (`util.inspect`, `JSON.stringify`) redact `authorization`. */
class RedactingHeaders extends Headers {
  toJSON(): Record<string, string> {
    const json: Record<string, string> = {};
    this.forEach((value, name) => {
      json[name] = name === "authorization" ? REDACTED : value;
    });
    return json;
  }
}
defineInspect(RedactingHeaders.prototype, function (this: RedactingHeaders): string {
  return `Headers ${JSON.stringify(this)}`;
});

function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/g, `$1${REDACTED}`);
}

/** Where {@link placeCredential} put the token: the URL to call and the `Authorization` value, if any. */
export interface PlacedCredential {
  /** The URL to call (unchanged unless the API wants `client_id` or a tile `access_token` in it). */
  readonly url: string;
  /** The `Authorization` header value to set, or `undefined` when the token went into the URL. */
  readonly authorization: string | undefined;
}

/**
 * The allocation-light core of {@link authorizeRequest}: decides where the token goes for a URL
 * without copying headers, for adapters on a hot path. Same rules and errors. Without `tokens`
 * (an app-level call that needs no token, like Mapillary v2's `GET /v2/status`) only the app's
 * `client_id` is placed, where the API wants it.
 *
 * @example
 * ```ts
 * import { mapiq, placeCredential, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * const { url, authorization } = placeCredential(mapiq, tokens, "https://api.mapiq.com/v2/buildings");
 * ```
 */
export function placeCredential(profile: ProviderProfile, tokens: TokenSet | undefined, url: string, options: AuthorizeOptions = {}): PlacedCredential {
  if (tokens?.notBefore !== undefined && (options.now ?? Date.now()) < tokens.notBefore) {
    throw new TokenNotYetValidError(tokens.notBefore);
  }
  if (profile.tilesBaseUrl !== undefined && url.startsWith(`${profile.tilesBaseUrl}/`)) {
    if (tokens === undefined) throw new ConfigError(`${profile.name} tiles need the app's client token.`);
    refuseUserTokenInUrl(tokens, options);
    const parsed = new URL(url);
    parsed.searchParams.set("access_token", tokens.accessToken.reveal());
    return { url: parsed.toString(), authorization: undefined };
  }
  if (tokens !== undefined && url.includes("access_token=")) refuseUserTokenInUrl(tokens, options);
  const base = profile.apiBaseUrl;
  if (base !== undefined && options.allowOtherOrigins !== true && !(url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) {
    throw new ConfigError(`Refusing to send a ${profile.name} token to ${origin(url)}: it is outside the API base URL ${base}. Pass allowOtherOrigins: true if you mean it.`);
  }
  let target = url;
  if (profile.clientIdInQuery) {
    const clientId = options.client?.clientId;
    if (clientId === undefined) throw new ConfigError(`${profile.name} needs client_id on every request: pass the client to authorizeRequest.`);
    const parsed = new URL(url);
    parsed.searchParams.set("client_id", clientId);
    target = parsed.toString();
  }
  return { url: target, authorization: tokens === undefined ? undefined : authorizationHeaderValue(profile, tokens.accessToken) };
}

/**
 * The `Authorization` header value for an access token: `OAuth <t>` for Mapillary v4,
 * `Bearer <t>` elsewhere.
 */
export function authorizationHeaderValue(profile: ProviderProfile, accessToken: Secret): string {
  return `${profile.tokenPlacement === "oauth_header" ? "OAuth" : "Bearer"} ${accessToken.reveal()}`;
}

/**
 * Builds a Mapillary vector-tile URL template (`…/{z}/{x}/{y}?access_token=MLY%7C…`) with the
 * app's public CLIENT token, for map libraries. A user token is refused unless explicitly allowed.
 *
 * @throws {ConfigError} the profile has no tiles, or a user token would go into the URL.
 *
 * @example
 * ```ts
 * import { Secret, clientTokenSet, mapillary, tileUrlTemplate } from "@mly/auth-core";
 *
 * const url = tileUrlTemplate(mapillary, clientTokenSet(new Secret("MLY|1234|0123456789abcdef0123456789abcdef"), 0));
 * // https://tiles.mapillary.com/maps/vtp/mly1_public/2/{z}/{x}/{y}?access_token=MLY%7C1234%7C0123…
 * ```
 */
export function tileUrlTemplate(
  profile: ProviderProfile,
  tokens: TokenSet,
  layer = "mly1_public",
  options: Pick<AuthorizeOptions, "allowUserTokenInUrl"> = {},
): string {
  if (profile.tilesBaseUrl === undefined) throw new ConfigError(`${profile.name} has no vector tiles.`);
  if (!/^[a-z0-9_]+$/.test(layer)) throw new ConfigError(`The tile layer ${JSON.stringify(layer)} is not a valid layer name (for example mly1_public).`);
  refuseUserTokenInUrl(tokens, options);
  return `${profile.tilesBaseUrl}/maps/vtp/${layer}/2/{z}/{x}/{y}?access_token=${encodeURIComponent(tokens.accessToken.reveal())}`;
}

function refuseUserTokenInUrl(tokens: TokenSet, options: Pick<AuthorizeOptions, "allowUserTokenInUrl">): void {
  if (tokens.kind === "user" && options.allowUserTokenInUrl !== true) {
    throw new ConfigError(
      "A user access token must not go into a URL (it ends up in logs and referrers). Use the app's client token for tiles, or pass allowUserTokenInUrl: true if you really must.",
    );
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an invalid URL";
  }
}
