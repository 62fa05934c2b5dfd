import { CodeStore } from "./code_store.ts";
import { ConsentStore } from "./consent_store.ts";
import { createCredentials } from "./credentials.ts";
import type { SandboxCredentials, SandboxCredentialsInit } from "./credentials.ts";
import { type Dataset, generateDataset } from "./dataset.ts";
import { createDispatcher } from "./dispatch.ts";
import { endpointsFor } from "./endpoints.ts";
import type { SandboxEndpoints } from "./endpoints.ts";
import type { FaultInjector } from "./fault_types.ts";
import { createFaultRegistry } from "./faults.ts";
import { RateWindow } from "./rate_window.ts";
import { createRequestLog } from "./request_log.ts";
import type { RequestLog } from "./request_log.ts";
import { createRoutes } from "./routes.ts";
import { listen } from "./server.ts";
import { resolveSettings } from "./settings.ts";
import type { SandboxSettings, SandboxSettingsInit } from "./settings.ts";
import type { SandboxState, SandboxUser } from "./state.ts";
import { TokenStore } from "./token_store.ts";

/** Options of `startSandbox()`. All optional. */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  host?: string;
  /** Shortcut for `settings.autoApprove`. */
  autoApprove?: boolean;
  /** Initial run-time settings (see `SandboxSettings`). */
  settings?: SandboxSettingsInit;
  /** Registered callback URLs, compared exactly; the first is used when `/connect` names none. */
  redirectUris?: readonly string[];
  /** Also accept any loopback `http://127.0.0.1|localhost|[::1]:<port>/<path>` (RFC 8252). Default true. */
  allowLoopbackRedirects?: boolean;
  /** Pin demo credentials; the rest are random. */
  credentials?: SandboxCredentialsInit;
  /** Name of the demo app on the consent page. */
  appName?: string;
  /** The signed-in demo user. */
  user?: Partial<SandboxUser>;
  /** Seed of the generated image data set (default 42). */
  datasetSeed?: number;
  /** Number of generated images (default 5000). */
  datasetSize?: number;
  /** The clock (epoch ms) for expiry, rate limits and the log. Default `Date.now`. */
  now?: () => number;
  /** Receives one line per request (never a query string, token or secret). */
  logger?: (line: string) => void;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly endpoints: SandboxEndpoints;
  readonly credentials: SandboxCredentials;
  /** The live settings: assignments apply to the next request. */
  readonly settings: SandboxSettings;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  /** The images it serves (graph `/images`, `/{id}`, tiles and thumbnails), generated from the seed. */
  readonly dataset: Dataset;
  /** Revokes a token the sandbox issued (the next use gets 190 / 401). `false` if unknown. */
  revokeToken(token: string): boolean;
  /** Expires a token now. `false` if unknown (or the app client token, which never expires). */
  expireToken(token: string): boolean;
  /** Expires every issued token (not the v4 client token); returns how many. */
  expireAllTokens(): number;
  /** Forgets all rate-limit and budget counters. */
  resetRateLimits(): void;
  /** Stops listening and destroys every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

/** Starts the sandbox on loopback and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const settings = resolveSettings({ ...options.settings, ...(options.autoApprove === undefined ? {} : { autoApprove: options.autoApprove }) });
  const credentials = createCredentials(options.credentials);
  const user: SandboxUser = { id: "102030405060708", username: "sandbox-user", email: "sandbox-user@example.com", ...options.user };
  const tokens = new TokenStore(now);
  tokens.add({
    value: credentials.mapillary.clientToken,
    api: "mapillary",
    kind: "client",
    clientId: credentials.mapillary.clientId,
    scopes: ["read"],
    issuedAt: now(),
    expiresAt: null,
  });
  const state: SandboxState = {
    now,
    settings,
    credentials,
    appName: options.appName ?? "Sandbox Demo App",
    user,
    redirects: { registered: options.redirectUris ?? [], allowLoopback: options.allowLoopbackRedirects ?? true },
    tokens,
    codes: new CodeStore(now),
    consents: new ConsentStore(now),
    dataset: generateDataset(options.datasetSeed ?? 42, options.datasetSize ?? 5000, { id: user.id, username: user.username }),
    limits: new RateWindow(),
  };
  const log = createRequestLog();
  const faults = createFaultRegistry();
  const abort = new AbortController();
  let base = "";
  const host = options.host ?? "127.0.0.1";
  const running = await listen(
    host,
    options.port ?? 0,
    createDispatcher({ routes: createRoutes(state), log, faults, tokens, now, baseUrl: () => base, signal: abort.signal, logger: options.logger }),
  );
  base = `http://${host.includes(":") ? `[${host}]` : host}:${running.port}`;
  return {
    url: base,
    port: running.port,
    endpoints: endpointsFor(base),
    credentials,
    settings,
    log,
    faults,
    dataset: state.dataset,
    revokeToken: (token) => tokens.revoke(token),
    expireToken: (token) => tokens.expire(token),
    expireAllTokens: () => tokens.expireAll(),
    resetRateLimits: () => {
      state.limits.reset();
    },
    close: () => {
      abort.abort();
      return running.close();
    },
  };
}
