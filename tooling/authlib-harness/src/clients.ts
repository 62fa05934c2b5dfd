import { randomBytes } from "node:crypto";

import type { AuthlibClient, AuthlibClients, RefreshTokenPolicy } from "./options.ts";

function secret(): string {
  return randomBytes(24).toString("base64url");
}

function codeClient(
  clientId: string,
  method: AuthlibClient["tokenEndpointAuthMethod"],
  refreshTokenPolicy: RefreshTokenPolicy,
  redirectUris: readonly string[],
  scope: string,
): AuthlibClient {
  const base = {
    clientId,
    tokenEndpointAuthMethod: method,
    grantTypes: ["authorization_code", "refresh_token"],
    refreshTokenPolicy,
    redirectUri: redirectUris[0] ?? "",
    redirectUris,
    scope,
  };
  return method === "none" ? base : { ...base, clientSecret: secret() };
}

/** The five clients of one server, with fresh secrets; `redirectUris` starts with the server's own callback. */
export function makeClients(redirectUris: readonly string[], scopes: readonly string[]): AuthlibClients {
  const scope = scopes.join(" ");
  return {
    basic: codeClient("basic-client", "client_secret_basic", "rotate", redirectUris, scope),
    post: codeClient("post-client", "client_secret_post", "rotate", redirectUris, scope),
    public: codeClient("public-client", "none", "rotate", redirectUris, scope),
    keep: codeClient("keep-client", "client_secret_basic", "keep", redirectUris, scope),
    service: {
      clientId: "service-client",
      clientSecret: secret(),
      tokenEndpointAuthMethod: "client_secret_basic",
      grantTypes: ["client_credentials"],
      refreshTokenPolicy: "rotate",
      redirectUri: "",
      redirectUris: [],
      scope: scopes.filter((name) => name !== "offline_access").join(" "),
    },
  };
}

/** The five clients as a list. */
export function allClients(clients: AuthlibClients): AuthlibClient[] {
  return [clients.basic, clients.post, clients.public, clients.keep, clients.service];
}

/** The clients once the server listens: its own `callbackUrl` first on every code-flow client (the server does the same). */
export function withCallback(clients: AuthlibClients, callbackUrl: string): AuthlibClients {
  const add = (client: AuthlibClient): AuthlibClient => {
    if (!client.grantTypes.includes("authorization_code")) return client;
    const redirectUris = [callbackUrl, ...client.redirectUris];
    return { ...client, redirectUri: callbackUrl, redirectUris };
  };
  return {
    basic: add(clients.basic),
    post: add(clients.post),
    public: add(clients.public),
    keep: add(clients.keep),
    service: add(clients.service),
  };
}
