import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { buildClientCredentials } from "./client_credentials.ts";
import type { OAuthClient } from "./client.ts";
import { LoginRequiredError } from "./errors.ts";
import type { HttpTransport } from "./ports.ts";
import { supportsGrant, type ProviderProfile } from "./profile.ts";
import { buildRefresh } from "./refresh.ts";
import { logInAgain } from "./_fix.ts";
import { processTokenResponse, type TokenRequest } from "./token_request.ts";
import type { TokenSet } from "./token_set.ts";

/** Obtains a fresh token from the current one (or from nothing, for client credentials). */
export type TokenRenewer = (current: TokenSet | undefined, options: { signal?: AbortSignal | undefined }) => Promise<TokenSet>;

/** Options of {@link createTokenRenewer}. */
export interface TokenRenewerOptions {
  /** The provider. */
  profile: ProviderProfile;
  /** The app's credentials. */
  client: OAuthClient;
  /** How requests are sent. */
  transport: HttpTransport;
  /** The clock (default: the system clock). */
  clock?: Clock;
  /** Timeout of one token call in ms (default: the transport's own, 30 s for `createKyTransport`). */
  timeoutMs?: number;
  /** Scopes for the client-credentials grant. */
  scopes?: readonly string[];
}

/**
 * The standard {@link TokenRenewer}: refreshes user tokens (Mapillary v4 with the access token,
 * RFC 6749 servers with the refresh token), re-runs the client-credentials grant for app
 * tokens (Mapiq), and returns client tokens unchanged. A user token of a provider without a
 * refresh grant (Mapillary v2) cannot be renewed: `LoginRequiredError`.
 *
 * @example
 * ```ts
 * import { createClient, mapiq, type HttpTransport } from "@mly/auth-core";
 * import { createTokenRenewer } from "@mly/auth-core/orchestration";
 *
 * declare const transport: HttpTransport;
 * const renew = createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport });
 * const tokens = await renew(undefined, {});
 * ```
 */
export function createTokenRenewer(options: TokenRenewerOptions): TokenRenewer {
  const clock = options.clock ?? systemClock;
  return async (current, { signal }) => {
    if (current?.kind === "client_token") return current;
    let call: TokenRequest;
    if (current === undefined || current.kind === "client_app") {
      if (!supportsGrant(options.profile, "client_credentials")) {
        throw new LoginRequiredError(`No ${options.profile.name} token is stored for this key. Log in first.`);
      }
      call = buildClientCredentials(options.profile, options.client, options.scopes === undefined ? {} : { scopes: options.scopes });
    } else if (!supportsGrant(options.profile, "refresh_token")) {
      // Mapillary v2: tokens never expire, so a rejected one was revoked (seed 004). The message is buildRefresh's.
      throw new LoginRequiredError(logInAgain("token not refreshable"));
    } else {
      call = buildRefresh(options.profile, options.client, current, { now: clock.now() });
    }
    const response = await options.transport.send(call.request, { signal, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    return processTokenResponse(call, response, clock.now());
  };
}
