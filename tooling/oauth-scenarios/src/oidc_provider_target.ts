import { startOidcServer } from "@mly/oidc-harness";

import type { ScenarioTarget } from "./target.ts";

/** oidc-provider as a scenario target. */
export async function startOidcProviderTarget(): Promise<ScenarioTarget> {
  const server = await startOidcServer({ unallowedScopes: ["admin"] });
  let refreshes = 0;
  const count = (grantType: unknown): void => {
    if (grantType === "refresh_token") refreshes += 1;
  };
  server.provider.on("grant.success", (ctx) => {
    count(ctx.oidc.params?.["grant_type"]);
  });
  server.provider.on("grant.error", (ctx) => {
    count(ctx.oidc.params?.["grant_type"]);
  });
  return {
    issuer: server.issuer,
    // Oidc-provider revokes the whole grant whatever token it is given.
    accessRevocationEndsGrant: true,
    metadataUrl: server.discoveryUrl,
    resourceUrl: server.resourceUrl,
    subject: "user-1",
    scopes: ["read", "write", "offline_access", "admin", "delete"],
    clients: { ...server.clients, keep: undefined },
    // oidc-provider grants only the scopes it knows and drops the others (RFC 6749 §3.3).
    narrowing: { requested: ["read", "write", "delete"], consent: {}, granted: ["read", "write"] },
    reusedCodeDescription: "grant request is invalid",
    // Known to the server, allowed to no client: invalid_scope on the callback.
    refusedScope: "admin",
    authorize: (url, consent = {}) => {
      if (consent.grantScopes !== undefined) throw new Error("oidc-harness: the consent step grants every requested scope");
      return server.authorize(url, consent.deny === true ? { deny: true } : {});
    },
    refreshRequests: () => Promise.resolve(refreshes),
    close: () => server.close(),
  };
}
