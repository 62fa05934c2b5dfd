import type { Configuration } from "oidc-provider";

import { allClients, toMetadata } from "./clients.ts";
import { generateJwks } from "./keys.ts";
import type { HarnessClients, OidcServerOptions, TokenLifetimes } from "./options.ts";

interface ConfigurationInput {
  readonly clients: HarnessClients;
  readonly scopes: readonly string[];
  readonly ttl: TokenLifetimes;
  readonly options: OidcServerOptions;
}

/** The oidc-provider configuration of the harness. */
export function providerConfiguration({ clients, scopes, ttl, options }: ConfigurationInput): Configuration {
  const refreshAlways = (options.refreshTokens ?? "always") === "always";
  return {
    clients: allClients(clients).map(toMetadata),
    jwks: generateJwks(),
    cookies: { keys: [crypto.randomUUID()] },
    scopes: ["openid", "offline_access", ...scopes, ...(options.unallowedScopes ?? [])],
    claims: { openid: ["sub"] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // oidc-provider's own default policies, set here only to silence its "you SHOULD change it" notices.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => client.clientAuthMethod !== "none" || token.clientId === client.clientId,
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed("refresh_token") && (refreshAlways || code.scopes.has("offline_access")),
    ...(options.rotateRefreshToken === false ? {} : { rotateRefreshToken: true }),
    expiresWithSession: () => false,
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = "application/json";
      ctx.body = out;
    },
    ttl: {
      AccessToken: ttl.accessToken,
      AuthorizationCode: ttl.authorizationCode,
      ClientCredentials: ttl.clientCredentials,
      IdToken: ttl.idToken,
      RefreshToken: ttl.refreshToken,
      Interaction: ttl.interaction,
      Session: ttl.session,
      Grant: ttl.grant,
    },
  };
}
