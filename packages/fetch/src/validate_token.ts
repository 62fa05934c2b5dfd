import {
  AbortedError,
  type ClientCredentialsInput,
  type Clock,
  ConfigError,
  createClient,
  deadlineSignal,
  GraphApiError,
  InvalidResponseError,
  InvalidTokenError,
  MapiqApiError,
  MapillaryV2Error,
  type OAuthClient,
  parseErrorResponse,
  placeCredential,
  type ProviderProfile,
  type Secret,
  systemClock,
  type TokenKind,
  type TokenSet,
  toSecret,
  TransportError,
} from "@mly/auth-core";
import { readBounded } from "./_bounded_body.ts";

/** What {@link validateToken} learnt about a token. */
export interface TokenInfo {
  /** What the token stands for: a user, Mapillary's public client token, or an app token (Mapiq). */
  readonly kind: TokenKind;
  /** The user behind a user token (Mapillary `/me`, v2 `/v2/me`). */
  readonly user?: { readonly id: string; readonly username: string | undefined };
  /** When the token expires (ms since the epoch), when the token says so (Mapiq JWT `exp`). */
  readonly expiresAt?: number;
}

/** Options of {@link validateToken}. */
export interface ValidateTokenOptions {
  /**
   * The app's credentials: required for Mapillary v2 (`client_id` on every call); for a
   * Mapillary client token, its app id must be this client id.
   */
  client?: ClientCredentialsInput | OAuthClient;
  /**
   * Mapillary v4 only: what the token is. Default: `client_token` when it starts with `MLY|`,
   * else `user`.
   */
  kind?: "user" | "client_token";
  /** Timeout of the call in ms (default 10 s). */
  timeoutMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * The clock the timeout runs on (and, where a date is read, the time).
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/** The shape of Mapillary's client token: `MLY|<numeric app id>|<32 hex digits>`. */
const CLIENT_TOKEN = /^MLY\|(\d{1,20})\|[0-9a-fA-F]{32}$/;

/**
 * Checks a token obtained elsewhere with one cheap call, like the Python SDK's `set_token`:
 * Mapillary v4 user tokens `GET /me?fields=id,username`, Mapillary client tokens
 * `GET /images?bbox=<a tiny box>&limit=1&fields=id`, Mapillary v2 `GET /v2/me`, Mapiq
 * `GET /v2/buildings` (one request of that operation's per-minute budget). A Mapillary client
 * token that does not look like `MLY|<app id>|<32 hex digits>`, or whose app id is not the
 * client's, is refused before any request.
 *
 * @throws {InvalidTokenError} the token is refused; `reason` says why: `malformed`, `wrong_app`, `expired`, `revoked` or `invalid` (unknown to the server). The message never contains the token.
 * @throws {ConfigError} the profile has no known check (generic `oauth2` servers: use introspection), or v2 lacks the client.
 * @throws {RateLimitedError | HttpError | TransportError | AbortedError} the check itself could not be made.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { validateToken } from "@mly/fetch/tokens";
 *
 * const info = await validateToken(mapillary, process.env["MAPILLARY_TOKEN"] ?? "");
 * console.log(info.kind, info.user?.username);
 * ```
 */
export async function validateToken(profile: ProviderProfile, token: string | Secret, options: ValidateTokenOptions = {}): Promise<TokenInfo> {
  const secret = toSecret(token);
  const value = secret.reveal();
  // Tokens of these APIs are printable ASCII: whitespace or anything else is a broken copy and paste.
  if (!/^[!-~]+$/.test(value)) {
    throw new InvalidTokenError("malformed", `The ${profile.name} token is empty or contains spaces, line breaks or non-ASCII characters; copy it again.`);
  }
  const client = options.client === undefined ? undefined : createClient(options.client);
  const api = profile.apiBaseUrl;
  switch (profile.id) {
    case "mapillary": {
      const clientToken = options.kind === "client_token" || (options.kind === undefined && value.startsWith("MLY|"));
      if (!clientToken) {
        const me = await callWithToken(profile, bareTokenSet(profile, secret, "user"), `${api}/me?fields=id,username`, client, options);
        return { kind: "user", user: readUser(me, "id", profile) };
      }
      const appId = CLIENT_TOKEN.exec(value)?.[1];
      if (appId === undefined) {
        throw new InvalidTokenError("malformed", "A Mapillary client token looks like MLY|<app id>|<32 hex digits>; this one does not. Copy it again from the app's dashboard.");
      }
      if (client !== undefined && appId !== client.clientId) {
        throw new InvalidTokenError("wrong_app", `This client token belongs to another app than ${client.clientId}. Use the client token of app ${client.clientId}.`);
      }
      await callWithToken(profile, bareTokenSet(profile, secret, "client_token"), `${api}/images?bbox=0,0,0.0001,0.0001&limit=1&fields=id`, client, options);
      return { kind: "client_token" };
    }
    case "mapillary-v2": {
      if (client === undefined) throw new ConfigError("Mapillary v2 sends client_id on every call: pass options.client to validateToken.");
      const me = await callWithToken(profile, bareTokenSet(profile, secret, "user"), `${api}/v2/me`, client, options);
      return { kind: "user", user: readUser(me, "key", profile) };
    }
    case "mapiq": {
      await callWithToken(profile, bareTokenSet(profile, secret, "client_app"), `${api}/v2/buildings`, client, options);
      const expiresAt = jwtExpiry(value);
      return expiresAt === undefined ? { kind: "client_app" } : { kind: "client_app", expiresAt };
    }
    default:
      throw new ConfigError(`validateToken knows Mapillary v4, Mapillary v2 and Mapiq; ${profile.name} has no standard "who am I" call (use its introspection endpoint).`);
  }
}

/** A throwaway token set, so the credential goes exactly where `placeCredential` puts it for this profile. */
function bareTokenSet(profile: ProviderProfile, accessToken: Secret, kind: TokenKind): TokenSet {
  return {
    kind,
    accessToken,
    tokenType: "bearer",
    refreshToken: undefined,
    scopes: [],
    issuedAt: 0,
    expiresAt: null,
    notBefore: undefined,
    provider: profile.id,
    issuer: undefined,
    subject: undefined,
  };
}

/** One GET of the API with `tokens` placed as the API wants them; the JSON body, or the API's refusal as a typed error. */
async function callWithToken(profile: ProviderProfile, tokens: TokenSet, url: string, client: OAuthClient | undefined, options: ValidateTokenOptions): Promise<unknown> {
  const placed = placeCredential(profile, tokens, url, client === undefined ? {} : { client });
  const headers: Record<string, string> = { accept: "application/json" };
  if (placed.authorization !== undefined) headers["authorization"] = placed.authorization;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const deadline = deadlineSignal(timeoutMs, { clock, signal: options.signal });
  const what = `GET ${url.split("?")[0] ?? url}`;
  let status: number;
  let headersIn: Headers;
  let body: string;
  try {
    const response = await (options.fetch ?? globalThis.fetch)(placed.url, { headers, signal: deadline.signal, redirect: "manual" });
    status = response.status;
    headersIn = response.headers;
    body = await readBounded(response, 65_536, what);
  } catch (error) {
    if (options.signal?.aborted === true) throw new AbortedError(undefined, { cause: options.signal.reason });
    if (deadline.timedOut) throw new TransportError(`${what} timed out after ${timeoutMs} ms; check the network and the API base URL`);
    if (error instanceof TypeError) throw new TransportError(`${what} failed; check the network and the API base URL`, { cause: error });
    throw error;
  } finally {
    deadline.clear();
  }
  if (status === 200) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new InvalidResponseError(`${what}: the body is not JSON`, { status });
    }
  }
  const error = parseErrorResponse({ status, headers: headersIn, body }, { now: clock.now(), secrets: [tokens.accessToken] });
  throw tokenRefusal(profile, error) ?? error;
}

/** A token refusal as {@link InvalidTokenError} with its reason; `undefined` for anything that is not about the token. */
function tokenRefusal(profile: ProviderProfile, error: Error): InvalidTokenError | undefined {
  const name = profile.name;
  if (error instanceof GraphApiError && error.graphCode === 190) {
    if (error.subcode === 463) return new InvalidTokenError("expired", `The ${name} token has expired; log in again.`, { cause: error, status: 401 });
    if (error.subcode === 460) return new InvalidTokenError("revoked", `The ${name} token was revoked (or the password changed); log in again.`, { cause: error, status: 401 });
    return new InvalidTokenError("invalid", `${name} does not know this token; check that it was copied whole, or log in again.`, { cause: error, status: 401 });
  }
  if (error instanceof MapillaryV2Error && error.status === 401 && error.errorCode !== "client_id_invalid") {
    const text = error.message;
    if (/another client|another app/i.test(text)) return new InvalidTokenError("wrong_app", `The ${name} token was issued to another app; use a token of this client id.`, { cause: error, status: 401 });
    if (/revoked/i.test(text)) return new InvalidTokenError("revoked", `The ${name} token was revoked (on the settings page?); log in again.`, { cause: error, status: 401 });
    if (/expired/i.test(text)) return new InvalidTokenError("expired", `The ${name} token has expired; log in again.`, { cause: error, status: 401 });
    return new InvalidTokenError("invalid", `${name} does not know this token; check that it was copied whole, or log in again.`, { cause: error, status: 401 });
  }
  if (error instanceof MapiqApiError && error.status === 401) {
    return new InvalidTokenError("invalid", `${name} refused the token (expired, revoked or unknown); run the client-credentials grant again.`, { cause: error, status: 401 });
  }
  return undefined;
}

function readUser(body: unknown, idField: string, profile: ProviderProfile): { id: string; username: string | undefined } {
  const object = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const id = object[idField];
  const username = object["username"];
  if (typeof id !== "string" && typeof id !== "number") throw new InvalidResponseError(`${profile.name}: the user has no ${idField}`);
  return { id: String(id), username: typeof username === "string" ? username : undefined };
}

/** The `exp` claim of a JWT in ms, read without verifying it (for information only); `undefined` if it is not one. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as unknown;
    const exp = typeof json === "object" && json !== null ? (json as Record<string, unknown>)["exp"] : undefined;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
