import { createServer } from "node:http";
import type { RequestListener, Server } from "node:http";
import type { AddressInfo } from "node:net";

import type Provider from "oidc-provider";

import { followAuthorization } from "./authorize.ts";
import { makeClients } from "./clients.ts";
import { providerConfiguration } from "./configuration.ts";
import { DEFAULT_LIFETIMES } from "./options.ts";
import type { AuthorizeOptions, HarnessClients, OidcServerOptions, TokenInfo, TokenLifetimes } from "./options.ts";
import { quietly } from "./quiet.ts";
import { route } from "./router.ts";
import { inspectToken, revokeToken } from "./tokens.ts";

/** A running oidc-provider on loopback. */
export interface OidcServer {
  /** `http://127.0.0.1:<port>`; also the `iss` of every authorization response (RFC 9207). */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly jwksUri: string;
  /** `<issuer>/.well-known/openid-configuration` (RFC 8414 metadata, OpenID flavour). */
  readonly discoveryUrl: string;
  /** The harness's own redirect URI, registered on every code-flow client. */
  readonly callbackUrl: string;
  /** A protected resource: `GET` with `Authorization: Bearer <access token>` → 200 JSON or 401. */
  readonly resourceUrl: string;
  readonly clients: HarnessClients;
  readonly ttl: TokenLifetimes;
  /** The underlying oidc-provider instance, for what the harness does not wrap. */
  readonly provider: Provider;
  /**
   * Follows an authorization URL through login and consent (completed automatically) and
   * returns the callback URL the client would receive (`code`, `state`, `iss` or `error`).
   */
  authorize(url: string | URL, options?: AuthorizeOptions): Promise<string>;
  /** What the store knows of a token; `undefined` if unknown (or already purged). */
  inspect(token: string): Promise<TokenInfo | undefined>;
  /** Deletes a token server-side, as if revoked or lost; `false` if unknown. */
  revoke(token: string): Promise<boolean>;
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeAllConnections();
  });
}

/**
 * Starts oidc-provider on loopback with a random port: authorization code + PKCE (S256,
 * required for every client), rotating refresh tokens, client credentials, revocation and
 * introspection, short lifetimes, in-memory storage and signing keys made at start.
 */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const host = options.host ?? "127.0.0.1";
  const accountId = options.accountId ?? "user-1";
  const ttl: TokenLifetimes = { ...DEFAULT_LIFETIMES, ...options.ttl };
  const scopes = options.scopes ?? ["read", "write"];

  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  const http = createServer((req, res) => {
    listener(req, res);
  });
  const port = await listen(http, host, options.port ?? 0);
  const issuer = `http://${host}:${port}`;
  const callbackUrl = `${issuer}/callback`;
  const redirectUris = [callbackUrl, ...(options.redirectUris ?? [])];
  const clients = makeClients(redirectUris, scopes);

  const provider = await quietly(async () => {
    const { default: ProviderClass } = await import("oidc-provider");
    return new ProviderClass(issuer, providerConfiguration({ clients, scopes, ttl, options }));
  });
  listener = route({ provider, accountId, clients, strictClientAuth: options.strictClientAuth ?? true });

  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    jwksUri: `${issuer}/jwks`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    callbackUrl,
    resourceUrl: `${issuer}/resource`,
    clients,
    ttl,
    provider,
    authorize: (url, authorizeOptions) =>
      followAuthorization({ issuer, redirectUris }, url, authorizeOptions),
    inspect: (token) => inspectToken(provider, token),
    revoke: (token) => revokeToken(provider, token),
    close: () => close(http),
  };
}
