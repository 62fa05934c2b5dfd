import type { Secret } from "./secret.ts";

/**
 * What a token stands for:
 * - `user`: a user's access token from the code or implicit flow;
 * - `client_app`: an app's token from the client-credentials grant (Mapiq);
 * - `client_token`: a long-lived public app token issued on a dashboard (Mapillary `MLY|…`).
 */
export type TokenKind = "user" | "client_app" | "client_token";

/**
 * The one token model of mly. Timestamps are milliseconds since the Unix epoch. Token values
 * are {@link Secret}s, so a `TokenSet` can be logged, stringified or inspected without leaking.
 */
export interface TokenSet {
  /** What the token stands for. */
  readonly kind: TokenKind;
  /** The access token. */
  readonly accessToken: Secret;
  /** The token type, lower case (`bearer`). */
  readonly tokenType: string;
  /** The refresh token, when the server issued one. */
  readonly refreshToken: Secret | undefined;
  /** The granted scopes. */
  readonly scopes: readonly string[];
  /** When the token was issued (or received). */
  readonly issuedAt: number;
  /** When the token expires; `null` when it never does. */
  readonly expiresAt: number | null;
  /** When the token becomes usable, if the server said so. */
  readonly notBefore: number | undefined;
  /** The profile id that issued it (`mapillary`, `mapiq`, …). */
  readonly provider: string;
  /** The issuer identifier, when known. */
  readonly issuer: string | undefined;
  /** The user or client the token stands for, when known. */
  readonly subject: string | undefined;
  /** The API the token is for, when the server said so (Mapiq's `resource`, seed 003). */
  readonly resource?: string | undefined;
}

/** When to refresh ahead of expiry. */
export interface RefreshPolicy {
  /** Refresh this fraction of the lifetime before expiry (default 0.1: a 60-day token 6 days ahead, a 1-hour token 6 minutes ahead). */
  fraction?: number;
  /** Never refresh less than this ahead of expiry (default 30 s). */
  minMarginMs?: number;
  /** Never refresh more than this ahead of expiry (default 7 days, like JOSM). */
  maxMarginMs?: number;
  /** Tolerated difference between this clock and the server's (default 30 s). */
  clockSkewMs?: number;
}


/**
 * Whether the access token can be sent now: not expired (allowing for clock skew) and past
 * its `not_before`.
 *
 * @example
 * ```ts
 * import { isUsable, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * if (!isUsable(tokens, Date.now())) console.log("log in again");
 * ```
 */
export function isUsable(tokens: TokenSet, now: number, clockSkewMs = 30_000): boolean {
  const at = now + clockSkewMs;
  return !(at < (tokens.notBefore ?? at)) && (tokens.expiresAt === null || at < tokens.expiresAt);
}

/**
 * The margin before expiry at which a token should be refreshed: a fraction of its lifetime,
 * clamped, plus the clock-skew tolerance.
 */
export function refreshMargin(
  tokens: TokenSet,
  { fraction = 0.1, minMarginMs = 30_000, maxMarginMs = 604_800_000, clockSkewMs = 30_000 }: RefreshPolicy = {},
): number {
  if (tokens.expiresAt === null) return 0;
  const lifetime = Math.max(0, tokens.expiresAt - tokens.issuedAt);
  // Never refresh earlier than half-way through the lifetime, or a short token would refresh on every call.
  return Math.min(Math.min(maxMarginMs, Math.max(minMarginMs, lifetime * fraction)) + clockSkewMs, lifetime / 2);
}

/**
 * Whether the token should be renewed now: it has an expiry and `now` is within the
 * refresh margin of it (see {@link refreshMargin}).
 *
 * @example
 * ```ts
 * import { needsRefresh, type TokenSet } from "@mly/auth-core";
 *
 * declare const tokens: TokenSet;
 * needsRefresh(tokens, Date.now(), { fraction: 0.2 });
 * ```
 */
export function needsRefresh(tokens: TokenSet, now: number, policy: RefreshPolicy = {}): boolean {
  return tokens.expiresAt !== null && now >= tokens.expiresAt - refreshMargin(tokens, policy);
}

/**
 * Builds a `client_token` {@link TokenSet} for a Mapillary app's public client token
 * (`MLY|<app id>|<hex>`); it never expires and is never refreshed.
 *
 * @example
 * ```ts
 * import { Secret, clientTokenSet } from "@mly/auth-core";
 *
 * const tokens = clientTokenSet(new Secret("MLY|1234|0123456789abcdef0123456789abcdef"), 0);
 * tokens.kind; // "client_token"
 * ```
 */
export function clientTokenSet(token: Secret, now: number, provider = "mapillary"): TokenSet {
  return Object.freeze({
    kind: "client_token",
    accessToken: token,
    tokenType: "oauth",
    refreshToken: undefined,
    scopes: [],
    issuedAt: now,
    expiresAt: null,
    notBefore: undefined,
    provider,
    issuer: undefined,
    subject: undefined,
  } satisfies TokenSet);
}
