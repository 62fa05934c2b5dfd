import { randomBytes } from "node:crypto";

import type { ClientMetadata } from "oidc-provider";

import type { HarnessClient, HarnessClients } from "./options.ts";

function secret(): string {
  return randomBytes(24).toString("base64url");
}

function codeClient(
  clientId: string,
  method: HarnessClient["tokenEndpointAuthMethod"],
  redirectUris: readonly string[],
  scope: string,
): HarnessClient {
  const base = {
    clientId,
    tokenEndpointAuthMethod: method,
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUri: redirectUris[0] ?? "",
    redirectUris,
    scope,
  };
  return method === "none" ? base : { ...base, clientSecret: secret() };
}

/** Makes the four clients of one server, with fresh secrets. */
export function makeClients(redirectUris: readonly string[], scopes: readonly string[]): HarnessClients {
  const scope = ["openid", "offline_access", ...scopes].join(" ");
  return {
    basic: codeClient("basic-client", "client_secret_basic", redirectUris, scope),
    post: codeClient("post-client", "client_secret_post", redirectUris, scope),
    public: codeClient("public-client", "none", redirectUris, scope),
    service: {
      clientId: "service-client",
      clientSecret: secret(),
      tokenEndpointAuthMethod: "client_secret_basic",
      grantTypes: ["client_credentials"],
      redirectUri: "",
      redirectUris: [],
      scope: scopes.join(" "),
    },
  };
}

/** The oidc-provider registration of a harness client. */
export function toMetadata(client: HarnessClient): ClientMetadata {
  const codeFlow = client.grantTypes.includes("authorization_code");
  return {
    client_id: client.clientId,
    ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: [...client.grantTypes],
    response_types: codeFlow ? ["code"] : [],
    redirect_uris: [...client.redirectUris],
    scope: client.scope,
  };
}

/** The four clients as a list. */
export function allClients(clients: HarnessClients): HarnessClient[] {
  return [clients.basic, clients.post, clients.public, clients.service];
}
