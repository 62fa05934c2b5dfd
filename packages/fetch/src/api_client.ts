import { type Clock, createClient, type ClientCredentialsInput, formatTokenKey, type HttpTransport, MlyError, type MlyEventListener, type OAuthClient, type ProviderProfile, type RateLimiter, type RefreshPolicy, type Secret, type TokenStore } from "@mly/auth-core";
import { createTokenRenewer, MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import ky, { type KyInstance } from "ky";
import { createAuthFetch, type RateLimitRetry } from "./auth_fetch.ts";
import { createKyTransport } from "./ky_transport.ts";
import { accessTokenSource, clientTokenSource, coordinatedTokens, type TokenSource } from "./token_source.ts";

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The provider (`mapillary`, `mapillaryV2`, `mapiq` or an `oauth2Profile`). */
  profile: ProviderProfile;
  /** The app's credentials. */
  client: ClientCredentialsInput | OAuthClient;
  /** Where tokens live (default: a new `MemoryTokenStore`). */
  store?: TokenStore;
  /** The token key in the store (default: `formatTokenKey({ provider, clientId })`). */
  tokenKey?: string;
  /**
   * The refresh coordinator to share, e.g. one per web app for every user's client, so that
   * concurrent requests of one process refresh a token once (default: a new coordinator over
   * `store`, renewing through `transport`).
   */
  coordinator?: RefreshCoordinator;
  /**
   * Use the app's public client token instead of a stored user token (Mapillary v4 app-level
   * calls and tiles). Requires `client.clientToken`.
   */
  useClientToken?: boolean;
  /**
   * A one-off client for a bare user access token obtained elsewhere (a dashboard, another
   * tool): sent as is, never stored nor refreshed; a rejected token (expired, revoked) fails the
   * call with `LoginRequiredError`. To keep and renew a token, `importToken` it into a store.
   */
  accessToken?: string | Secret;
  /**
   * Send no token at all, only the app's `client_id` where the API takes it: Mapillary v2's
   * app-level calls (`GET /v2/status`). Mapillary v4 app-level calls use `useClientToken`.
   */
  appOnly?: boolean;
  /**
   * Spaces requests so the quota is never exceeded. Default: the profile's documented policies,
   * in memory, learning a route's real limit from its 429s (`adaptivePoliciesFor(profile)` of
   * `@mly/ratelimit/adaptive`); pass a shared one (`RedisRateLimiter`)
   * for several processes, or `false` to turn rate limiting off (then no pause is kept between
   * calls either: see `AuthFetchOptions.limiter`).
   */
  limiter?: RateLimiter | false;
  /** Wait and retry on throttling, bounded by `maxWaitMs` and the caller's signal. */
  retryOnRateLimit?: RateLimitRetry | false;
  /** `x-app-usage` percentage from which calls pause (default 95). */
  appUsageThreshold?: number;
  /** When to refresh ahead of expiry. */
  refreshPolicy?: RefreshPolicy;
  /** The transport for token calls (default: `createKyTransport()`). */
  transport?: HttpTransport;
  /** A ky instance to extend (default: ky). */
  ky?: KyInstance;
  /** Timeout of each attempt on the wire in ms (default 30 s); never applied to a limiter or rate-limit wait. */
  timeoutMs?: number;
  /** The clock: token expiry, refresh timing, timeouts and waits run on it (default: the system clock). */
  clock?: Clock;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Telemetry: given to `createAuthFetch` (requests, throttles), the default limiter and the
   * coordinator this creates (refreshes, store errors). A limiter or coordinator you pass gets its
   * own `onEvent`.
   */
  onEvent?: MlyEventListener | undefined;
}

/** A ky instance bound to one API, with its coordinator for inspection. */
export interface ApiClient {
  /** The ky instance: `await api.get("images", { searchParams }).json()`. Paths are relative to the API base URL. */
  readonly ky: KyInstance;
  /** The refresh coordinator behind it (`refreshCount`, `getToken`), when tokens are stored (not with `accessToken`, `appOnly` or `useClientToken`). */
  readonly coordinator: RefreshCoordinator | undefined;
  /** The profile. */
  readonly profile: ProviderProfile;
  /** The app's credentials. */
  readonly client: OAuthClient;
  /** The token key in the store. */
  readonly tokenKey: string;
}

/**
 * A ready API client for Mapillary v4, Mapillary v2, Mapiq or any OAuth 2.0 API: a ky instance
 * whose every attempt, retries included, goes through the rate limiter, the token coordinator
 * (a usable token, refreshed ahead of expiry, one refresh at a time) and the profile's credential
 * placement, rate-limited by default. 5xx and network errors on idempotent calls are retried by ky; throttles and token
 * rejections are handled as `createAuthFetch` describes; errors are typed `MlyError`s, except
 * ky's `HTTPError` for other statuses.
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 *
 * const api = createApiClient({ profile: mapiq, client: { clientId: "id", clientSecret: "secret" } });
 * const buildings = await api.ky.get("v2/buildings").json();
 * ```
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const profile = options.profile;
  if (profile.apiBaseUrl === undefined) throw new TypeError(`${profile.name}: no apiBaseUrl`);
  const client = createClient(options.client);
  const tokenKey = options.tokenKey ?? formatTokenKey({ provider: profile.id, clientId: client.clientId });
  let coordinator: RefreshCoordinator | undefined;
  let tokens: TokenSource | null = null;
  if (options.accessToken !== undefined) {
    tokens = accessTokenSource(options.accessToken, profile.id);
  } else if (options.appOnly === true) {
    // No token: authFetch places the client_id only.
  } else if (options.useClientToken === true) {
    if (client.clientToken === undefined) throw new TypeError("useClientToken needs client.clientToken");
    tokens = clientTokenSource(client.clientToken, profile.id);
  } else {
    const clock = options.clock === undefined ? {} : { clock: options.clock };
    coordinator =
      options.coordinator ??
      new RefreshCoordinator({
        store: options.store ?? new MemoryTokenStore(),
        renew: createTokenRenewer({ profile, client, transport: options.transport ?? createKyTransport(clock), ...clock }),
        ...clock,
        ...(options.refreshPolicy === undefined ? {} : { policy: options.refreshPolicy }),
        onEvent: options.onEvent,
      });
    tokens = coordinatedTokens(coordinator, tokenKey);
  }
  // limiter, retryOnRateLimit, appUsageThreshold, timeoutMs, fetch, clock and onEvent pass straight through.
  const authFetch = createAuthFetch({ ...options, client, tokens });
  const instance = (options.ky ?? ky).extend({
    prefixUrl: `${profile.apiBaseUrl}/`,
    fetch: authFetch,
    // The timeout is authFetch's, per attempt on the wire: ky's would also count the waits for
    // the limiter and for a rate-limit retry.
    timeout: false,
    retry: {
      limit: 2,
      statusCodes: [408, 500, 502, 503, 504],
      afterStatusCodes: [503],
      shouldRetry: ({ error }) => (error instanceof MlyError ? false : undefined),
    },
  });
  return { ky: instance, coordinator, profile, client, tokenKey };
}
