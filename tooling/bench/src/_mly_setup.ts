import { formatTokenKey, oauth2Profile, type ProviderProfile } from "@mly/auth-core";
import { MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { coordinatedTokens, type TokenSource } from "@mly/fetch";
import { freshTokenSet } from "./_fresh_token.ts";

/** What the per-request benches give mly's clients: the setup a user has. */
export interface MlySetup {
  /** An OAuth 2.0 API at `base` with one per-endpoint policy of 10⁹ requests per second (all the bookkeeping, never a wait). */
  readonly profile: ProviderProfile;
  /** The app, as both its clients and the peers take it. */
  readonly client: { readonly clientId: string; readonly clientSecret: string };
  /** The stored token's key. */
  readonly key: string;
  /** A coordinator over a memory store holding a token fresh for a day; its renewer fails (a refresh is a bench error). */
  readonly coordinator: RefreshCoordinator;
  readonly tokens: TokenSource;
}

/** mly's setup for the per-request benches against the API at `base`, answering to `token`. */
export async function mlySetup(base: string, token: string): Promise<MlySetup> {
  const profile = oauth2Profile({
    tokenEndpoint: `${base}/token`,
    apiBaseUrl: base,
    rateLimits: [{ name: "endpoint", limit: 1_000_000_000, windowMs: 1_000, per: "endpoint", appliesTo: "api" }],
  });
  const client = { clientId: "bench", clientSecret: "bench-secret" };
  const store = new MemoryTokenStore();
  const key = formatTokenKey({ provider: profile.id, clientId: client.clientId });
  await store.set(key, freshTokenSet(token, { now: Date.now(), kind: "client_app", provider: profile.id }));
  const coordinator = new RefreshCoordinator({ store, renew: () => Promise.reject(new Error("bench: the token should stay fresh")) });
  return { profile, client, key, coordinator, tokens: coordinatedTokens(coordinator, key) };
}
