import {
  type Clock,
  ConfigError,
  type ProviderProfile,
  type Secret,
  systemClock,
  type TokenKind,
  type TokenSet,
  type TokenStore,
  toSecret,
} from "@mly/auth-core";
import { type TokenInfo, validateToken, type ValidateTokenOptions } from "./validate_token.ts";

/** The lifetime assumed for a Mapillary v4 user token of unknown age: the observed ~60 days. */
const MAPILLARY_LIFETIME_MS = 60 * 86_400_000;

/** Options of {@link importToken}. */
export interface ImportTokenOptions extends ValidateTokenOptions {
  /** The provider that issued the token. */
  profile: ProviderProfile;
  /** Check the token with {@link validateToken} first (default `true`); `false` stores it unchecked. */
  validate?: boolean;
  /** When the token expires (ms since the epoch; `null`: never), if you know it. */
  expiresAt?: number | null;
  /** When it was issued (ms since the epoch), if you know it (default: now). */
  issuedAt?: number;
  /** A refresh token that came with it. */
  refreshToken?: string | Secret;
  /** The scopes it was granted. */
  scopes?: readonly string[];
  /** The clock (default: the system clock). */
  clock?: Clock;
}

/** What {@link importToken} stored. */
export interface ImportedToken {
  /** The stored token set (`subject` is the user id when validation learnt it). */
  readonly tokens: TokenSet;
  /** What validation learnt (user name, kind), or `undefined` with `validate: false`. */
  readonly info: TokenInfo | undefined;
  /** The store's version of the entry. */
  readonly version: number;
}

/**
 * Stores a token obtained elsewhere (a dashboard, another tool, an environment variable) under
 * `key` as a `TokenSet`, after checking it with one cheap call ({@link validateToken}) unless
 * `validate: false`. Expiry: `expiresAt` when given, else what the token says (Mapiq JWT), else
 * for a Mapillary v4 user token the observed 60-day lifetime counted from `issuedAt` (default
 * now: pass `issuedAt` or `expiresAt` when the token is older, so it is renewed in time), else
 * never.
 *
 * @throws {InvalidTokenError} validation refused the token (see `reason`); nothing is stored.
 *
 * @example
 * ```ts
 * import { formatTokenKey, mapillary } from "@mly/auth-core";
 * import { MemoryTokenStore } from "@mly/auth-core/orchestration";
 * import { importToken } from "@mly/fetch/tokens";
 *
 * const store = new MemoryTokenStore(); // or a FileTokenStore / RedisTokenStore
 * const key = formatTokenKey({ provider: "mapillary", clientId: "1234" });
 * const { info } = await importToken(store, key, process.env["MAPILLARY_TOKEN"] ?? "", { profile: mapillary });
 * console.log(`saved the token of ${info?.user?.username ?? "?"}`);
 * ```
 */
export async function importToken(store: TokenStore, key: string, token: string | Secret, options: ImportTokenOptions): Promise<ImportedToken> {
  const { profile } = options;
  const secret = toSecret(token);
  const info = options.validate === false ? undefined : await validateToken(profile, secret, options);
  const now = (options.clock ?? systemClock).now();
  const issuedAt = options.issuedAt ?? now;
  const kind: TokenKind = info?.kind ?? (profile.id === "mapillary" && options.kind === "client_token" ? "client_token" : profile.id === "mapiq" ? "client_app" : "user");
  if (kind === "client_app" && options.refreshToken !== undefined) throw new ConfigError("An app token (client credentials) has no refresh token; leave refreshToken out.");
  let expiresAt: number | null;
  if (options.expiresAt !== undefined) expiresAt = options.expiresAt;
  else if (info?.expiresAt !== undefined) expiresAt = info.expiresAt;
  else if (profile.id === "mapillary" && kind === "user") expiresAt = issuedAt + MAPILLARY_LIFETIME_MS;
  else expiresAt = profile.defaultLifetimeMs === null || kind === "client_token" ? null : issuedAt + profile.defaultLifetimeMs;
  const tokens: TokenSet = Object.freeze({
    kind,
    accessToken: secret,
    tokenType: kind === "client_token" ? "oauth" : "bearer",
    refreshToken: options.refreshToken === undefined ? undefined : toSecret(options.refreshToken),
    scopes: options.scopes ?? [],
    issuedAt,
    expiresAt,
    notBefore: undefined,
    provider: profile.id,
    issuer: profile.issuer,
    subject: info?.user?.id,
  });
  const version = await store.set(key, tokens);
  return { tokens, info, version };
}
