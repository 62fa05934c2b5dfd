import {
  AbortedError,
  type AuthorizationServerMetadata,
  type Clock,
  deadlineSignal,
  type DiscoveredProfileOptions,
  type DiscoveryDocument,
  discoveryRequest,
  HttpError,
  processDiscoveryResponse,
  profileFromMetadata,
  type ProviderProfile,
  systemClock,
  TransportError,
} from "@mly/auth-core";
import { readBounded } from "./_bounded_body.ts";

/** Options of {@link discoverMetadata}. */
export interface DiscoverOptions {
  /**
   * Which document to read: `auto` (default) tries RFC 8414's `/.well-known/oauth-authorization-server`
   * and, when that answers 4xx, OpenID's `/.well-known/openid-configuration`.
   */
  document?: DiscoveryDocument | "auto";
  /** The largest body accepted, in bytes (default 256 KiB); a larger one is refused unread. */
  maxBodyBytes?: number;
  /** Timeout of each request in ms (default 10 s). */
  timeoutMs?: number;
  /** Cancels the discovery. */
  signal?: AbortSignal;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * The clock the timeout runs on.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/** Options of {@link discoverProfile}: how to discover, plus what metadata cannot say about your app. */
export interface DiscoverProfileOptions extends DiscoverOptions, DiscoveredProfileOptions {}

/**
 * Fetches and validates an authorization server's metadata (RFC 8414, or OpenID Connect
 * Discovery): the document's `issuer` must equal `issuer` exactly, endpoints must be `https`
 * (`http` only on loopback), redirects are not followed, the body is read up to `maxBodyBytes`.
 *
 * @throws {ConfigError} the issuer is not an `https` URL (or loopback `http`).
 * @throws {InvalidResponseError} the document is invalid, names another issuer, or is too large.
 * @throws {HttpError} neither well-known URL answered 200.
 * @throws {TransportError | AbortedError} no response, or the caller aborted.
 *
 * @example
 * ```ts
 * import { discoverMetadata } from "@mly/fetch/oauth2";
 *
 * const metadata = await discoverMetadata("https://auth.example.com");
 * console.log(metadata.tokenEndpoint, metadata.revocationEndpoint);
 * ```
 */
export async function discoverMetadata(issuer: string, options: DiscoverOptions = {}): Promise<AuthorizationServerMetadata> {
  const mode = options.document ?? "auto";
  const documents: DiscoveryDocument[] = mode === "auto" ? ["oauth-authorization-server", "openid-configuration"] : [mode];
  let lastError: unknown;
  for (const document of documents) {
    try {
      return await fetchDocument(issuer, document, options);
    } catch (error) {
      // Only "not here" moves on to the next well-known URL; a wrong document is an answer.
      if (!(error instanceof HttpError) || (error.status ?? 0) < 400 || (error.status ?? 0) > 499) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Discovers a server (see {@link discoverMetadata}) and builds its `oauth2Profile`: endpoints,
 * a client authentication the server supports, PKCE, the issuer and RFC 9207 `iss` checking,
 * the revocation endpoint.
 *
 * @example
 * ```ts
 * import { createClient } from "@mly/auth-core";
 * import { startLogin } from "@mly/fetch";
 * import { discoverProfile } from "@mly/fetch/oauth2";
 *
 * const profile = await discoverProfile("https://auth.example.com", { tokenEndpointAuth: "none", defaultScopes: ["read"] });
 * const client = createClient({ clientId: "my-app" });
 * const { url, pending } = await startLogin({ profile, client }, { redirectUri: "http://127.0.0.1:8765/callback" });
 * ```
 */
export async function discoverProfile(issuer: string, options: DiscoverProfileOptions = {}): Promise<ProviderProfile> {
  const { document: _document, maxBodyBytes: _max, timeoutMs: _timeout, signal: _signal, fetch: _fetch, clock: _clock, ...profileOptions } = options;
  return profileFromMetadata(await discoverMetadata(issuer, options), profileOptions);
}

async function fetchDocument(issuer: string, document: DiscoveryDocument, options: DiscoverOptions): Promise<AuthorizationServerMetadata> {
  const description = discoveryRequest(issuer, document);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = deadlineSignal(timeoutMs, { clock: options.clock ?? systemClock, signal: options.signal });
  try {
    const response = await (options.fetch ?? globalThis.fetch)(description.toRequest({ signal: deadline.signal }));
    const body = await readBounded(response, options.maxBodyBytes ?? 262_144, `metadata at ${description.url}`);
    return processDiscoveryResponse(issuer, { status: response.status, headers: response.headers, body });
  } catch (error) {
    if (options.signal?.aborted === true) throw new AbortedError(undefined, { cause: options.signal.reason });
    if (deadline.timedOut) throw new TransportError(`${description.toString()} timed out after ${timeoutMs} ms; check the issuer URL and the network`);
    if (error instanceof TypeError) throw new TransportError(`${description.toString()} failed; check the issuer URL and the network`, { cause: error });
    throw error;
  } finally {
    deadline.clear();
  }
}
