import { clientTokenSet, type Secret, type TokenSet, toSecret } from "@mly/auth-core";
import { type RefreshCoordinator } from "@mly/auth-core/orchestration";

/** Where an API client gets its token, and what it does when the API rejects one. */
export interface TokenSource {
  /** A usable token (refreshed ahead of expiry). */
  token(signal?: AbortSignal): Promise<TokenSet>;
  /** The API rejected `rejected`: a renewed token, or `undefined` when this source cannot renew. */
  renewRejected(rejected: Secret, signal?: AbortSignal): Promise<TokenSet | undefined>;
}

/**
 * A {@link TokenSource} backed by a `RefreshCoordinator` and a token key: refresh ahead of
 * expiry, one refresh at a time, shared across every client using the same store.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore, RefreshCoordinator, type TokenRenewer } from "@mly/auth-core/orchestration";
 * import { coordinatedTokens } from "@mly/fetch";
 *
 * declare const renew: TokenRenewer;
 * const source = coordinatedTokens(new RefreshCoordinator({ store: new MemoryTokenStore(), renew }), "mapiq:id:default");
 * ```
 */
export function coordinatedTokens(coordinator: RefreshCoordinator, key: string): TokenSource {
  return {
    token: (signal) => coordinator.getToken(key, { signal }),
    renewRejected: (rejected, signal) => coordinator.renewRejected(key, rejected, { signal }),
  };
}

/**
 * A {@link TokenSource} for Mapillary's public client token (`MLY|…`), which never expires and
 * is never refreshed.
 *
 * @example
 * ```ts
 * import { Secret } from "@mly/auth-core";
 * import { clientTokenSource } from "@mly/fetch";
 *
 * const source = clientTokenSource(new Secret("MLY|1234|0123456789abcdef0123456789abcdef"));
 * ```
 */
export function clientTokenSource(token: Secret, provider = "mapillary"): TokenSource {
  return fixed(clientTokenSet(token, Date.now(), provider));
}

/**
 * A {@link TokenSource} for one bare user access token obtained elsewhere: used as is, never
 * refreshed; when the API rejects it (expired, revoked) the call fails with `LoginRequiredError`.
 * `createApiClient({ accessToken })` uses it.
 *
 * @example
 * ```ts
 * import { accessTokenSource } from "@mly/fetch";
 *
 * const source = accessTokenSource(process.env["MAPILLARY_TOKEN"] ?? "", "mapillary");
 * ```
 */
export function accessTokenSource(token: string | Secret, provider: string): TokenSource {
  return fixed({ ...clientTokenSet(toSecret(token), Date.now(), provider), kind: "user", tokenType: "bearer" });
}

function fixed(tokens: TokenSet): TokenSource {
  return {
    token: () => Promise.resolve(tokens),
    renewRejected: () => Promise.resolve(undefined),
  };
}
