// Test helpers: a sandbox with profiles pointed at it, and a headless login through its
// auto-approving consent page.
import { createClient, formatTokenKey, mapillaryProfile, mapillaryV2Profile, mapiqProfile, type OAuthClient, type PermitOutcome, type ProviderProfile, type RateLimiter, type RateLimitPermit, type TokenSet } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { startSandbox, type Sandbox, type SandboxOptions } from "@mly/sandbox";
import { finishLogin, startLogin } from "./login.ts";

export interface TestWorld {
  sandbox: Sandbox;
  mapillary: ProviderProfile;
  mapillaryV2: ProviderProfile;
  mapiq: ProviderProfile;
  mlyClient: OAuthClient;
  v2Client: OAuthClient;
  mapiqClient: OAuthClient;
}

export async function startWorld(options: SandboxOptions = {}): Promise<TestWorld> {
  const sandbox = await startSandbox({ autoApprove: true, ...options });
  const c = sandbox.credentials;
  return {
    sandbox,
    mapillary: mapillaryProfile(sandbox.endpoints.mapillary),
    mapillaryV2: mapillaryV2Profile(sandbox.endpoints.mapillaryV2),
    mapiq: mapiqProfile(sandbox.endpoints.mapiq),
    mlyClient: createClient(c.mapillary),
    v2Client: createClient(c.mapillaryV2),
    mapiqClient: createClient(c.mapiq),
  };
}

/** Clears what a test left in the sandbox: injected faults, the request log and the rate windows. */
export function resetSandbox(world: TestWorld): void {
  world.sandbox.faults.clear();
  world.sandbox.log.clear();
  world.sandbox.resetRateLimits();
}

export const REDIRECT_URI = "http://127.0.0.1:8765/callback";

/** Follows the authorization URL like a browser whose user approves, and returns the callback URL. */
export async function approve(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (location === null) throw new Error(`no redirect from the consent page (HTTP ${response.status})`);
  return new URL(location, url).toString();
}

/** A full code-flow login against the sandbox. */
export async function logIn(profile: ProviderProfile, client: OAuthClient, scopes?: readonly string[]): Promise<TokenSet> {
  const { url, pending } = await startLogin({ profile, client }, { redirectUri: REDIRECT_URI, ...(scopes === undefined ? {} : { scopes }) });
  return finishLogin({ profile, client }, pending, await approve(url));
}

/** Logs in and stores the tokens under the default key; returns the store and key. */
export async function loggedInStore(profile: ProviderProfile, client: OAuthClient): Promise<{ store: MemoryTokenStore; key: string; tokens: TokenSet }> {
  const tokens = await logIn(profile, client);
  const store = new MemoryTokenStore();
  const key = formatTokenKey({ provider: profile.id, clientId: client.clientId });
  await store.set(key, tokens);
  return { store, key, tokens };
}

/** A limiter around `inner` that records every settle: the key and the outcome it was given. */
export interface RecordingLimiter {
  readonly limiter: RateLimiter;
  readonly settled: [key: string, outcome: PermitOutcome | undefined][];
}

/** Records the outcomes authFetch hands its limiter; `inner` (default: one that grants at once and never pauses) does the limiting. */
export function recordingLimiter(inner?: RateLimiter): RecordingLimiter {
  const settled: RecordingLimiter["settled"] = [];
  const grantAtOnce: RateLimitPermit = { settle: () => undefined, cancel: () => undefined };
  const limiter: RateLimiter = {
    acquire: async (key, options) => {
      const permit = inner === undefined ? grantAtOnce : await inner.acquire(key, options);
      return {
        settle: (outcome) => {
          settled.push([key, outcome]);
          return permit.settle(outcome);
        },
        cancel: () => permit.cancel(),
      };
    },
    pause: (key, waitMs) => inner?.pause(key, waitMs),
  };
  return { limiter, settled };
}
