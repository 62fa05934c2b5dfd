import { createClient, formatTokenKey, type ProviderProfile, type RateLimiter, type RefreshPolicy, type TokenSet } from "@mly/auth-core";
import { createApiClient, type ApiClient } from "@mly/fetch";
import { CliError } from "./cli_error.ts";
import type { Context } from "./context.ts";
import { EXIT } from "./exit_codes.ts";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import type { ProfileRecord, ProfileUser } from "./profile_book.ts";
import { loopbackLogin } from "./loopback_login.ts";
import { oauth2ServerProfile, providerProfile, type OAuth2Server, type ProviderId } from "./providers.ts";
import { followAsBrowser } from "./sandbox_browser.ts";

/** The profile named by `--profile` (default `default`). */
export function profileName(context: Context): string {
  return context.globals.profile ?? "default";
}

/**
 * The record of a logged-in profile.
 *
 * @throws {CliError} exit code 2 with the `mly login` command to run when there is none.
 */
export async function requireProfile(context: Context, name: string = profileName(context)): Promise<ProfileRecord> {
  const record = await context.profiles.get(name);
  if (record === undefined && context.server.kind === "sandbox" && context.server.embedded !== undefined) {
    return sandboxLogin(context, name);
  }
  if (record === undefined) {
    const known = (await context.profiles.all()).map((r) => r.name);
    throw new CliError(
      `Not logged in: no profile ${JSON.stringify(name)} in ${context.configDir}. Run \`mly login${name === "default" ? "" : ` --profile ${name}`}\`` +
        (known.length > 0 ? ` (known profiles: ${known.join(", ")}).` : "."),
      EXIT.loginRequired,
    );
  }
  return record;
}

/** Options of {@link profileApi}. */
export interface ProfileApiOptions {
  /** When to refresh ahead of expiry. */
  refreshPolicy?: RefreshPolicy;
  /** The limiter (default: the provider's documented policies). */
  limiter?: RateLimiter;
  /** Wait out throttling up to this many ms (default 60 s). */
  maxRateLimitWaitMs?: number;
}

/**
 * An authenticated, rate-limited API client for a logged-in profile: its token from the file
 * store (refreshed ahead of expiry by the coordinator, written back atomically), the server it
 * was created against, the app secret from the flags or the environment.
 */
export function profileApi(context: Context, record: ProfileRecord, options: ProfileApiOptions = {}): ApiClient {
  const profile = recordProfile(context, record);
  const credentials = context.credentials(record.provider);
  const sameApp = credentials.clientId === undefined || credentials.clientId === record.clientId;
  return createApiClient({
    profile,
    client: createClient({
      clientId: record.clientId,
      ...(sameApp && credentials.clientSecret !== undefined ? { clientSecret: credentials.clientSecret } : {}),
    }),
    store: context.store,
    tokenKey: record.tokenKey,
    limiter: options.limiter ?? adaptivePoliciesFor(profile),
    retryOnRateLimit: { maxWaitMs: options.maxRateLimitWaitMs ?? 60_000 },
    ...(options.refreshPolicy === undefined ? {} : { refreshPolicy: options.refreshPolicy }),
  });
}

/** The auth-core profile of a saved profile: its provider's, pointed at its sandbox, or the discovered server's (`oauth2`). */
export function recordProfile(context: Context, record: ProfileRecord): ProviderProfile {
  if (record.provider !== "oauth2") return providerProfile(record.provider, context.sandboxUrlFor(record.sandboxUrl));
  if (record.server === undefined) throw new CliError(`Profile ${record.name} has no server recorded. Run \`mly login --issuer URL --profile ${record.name}\` again.`, EXIT.loginRequired);
  return oauth2ServerProfile(record.server);
}

/** A usable token of a profile, refreshed first when due. */
export async function profileToken(context: Context, api: ApiClient): Promise<TokenSet> {
  if (api.coordinator === undefined) throw new Error("profileToken needs a stored-token client");
  return api.coordinator.getToken(api.tokenKey, { signal: context.signal });
}

/** The token key of a profile in the store. */
export function profileTokenKey(name: string, provider: ProviderId, clientId: string): string {
  return formatTokenKey({ provider, clientId, profile: name });
}

/** What {@link saveLogin} saves. */
export interface LoginToSave {
  name: string;
  provider: ProviderId;
  clientId: string;
  tokens: TokenSet;
  sandboxUrl: string | undefined;
  /** The user behind the token, cached for `mly status`. */
  user?: ProfileUser | undefined;
  /** The token is already in the store under {@link profileTokenKey} (`importToken` put it there). */
  stored?: boolean;
  /** For `oauth2`: the discovered server. */
  server?: OAuth2Server | undefined;
}

/** Saves a fresh login: the token in the store, the profile record next to it. */
export async function saveLogin(context: Context, login: LoginToSave): Promise<ProfileRecord> {
  const tokenKey = profileTokenKey(login.name, login.provider, login.clientId);
  const previous = await context.profiles.get(login.name);
  if (previous !== undefined && previous.tokenKey !== tokenKey) await context.store.delete(previous.tokenKey);
  if (login.stored !== true) await context.store.set(tokenKey, login.tokens);
  const record: ProfileRecord = {
    name: login.name,
    provider: login.provider,
    clientId: login.clientId,
    tokenKey,
    scopes: login.tokens.scopes,
    sandboxUrl: login.sandboxUrl ?? null,
    loggedInAt: Date.now(),
    ...(login.server === undefined ? {} : { server: login.server }),
    ...(login.user === undefined ? {} : { user: { id: login.user.id, ...(login.user.username === undefined ? {} : { username: login.user.username }) } }),
  };
  await context.profiles.put(record);
  return record;
}

/**
 * With `--sandbox` (embedded, auto-approve) a command that needs a user token logs in first
 * through the same loopback flow, the "browser" being a fetch that follows the redirect.
 */
async function sandboxLogin(context: Context, name: string): Promise<ProfileRecord> {
  if (context.server.kind !== "sandbox") throw new Error("sandboxLogin needs a sandbox");
  const url = context.server.url;
  const credentials = context.credentials("mapillary");
  const clientId = credentials.clientId ?? "";
  context.err(context.style.dim(`Embedded sandbox: logging in as profile ${name} through the loopback flow first.`));
  const tokens = await loopbackLogin({
    profile: providerProfile("mapillary", url),
    client: createClient({ clientId, ...(credentials.clientSecret === undefined ? {} : { clientSecret: credentials.clientSecret }) }),
    port: 0,
    signal: context.signal,
    onAuthorizationUrl: (authorizationUrl) => followAsBrowser(authorizationUrl, (line) => { context.err(context.style.dim(line)); }, context.style),
  });
  return saveLogin(context, { name, provider: "mapillary", clientId, tokens, sandboxUrl: url });
}
