import { startAuthlibServer } from "@mly/authlib-harness";

import type { ScenarioTarget } from "./target.ts";

/** Authlib (Flask, Debian's python3-authlib) as a scenario target. */
export async function startAuthlibTarget(): Promise<ScenarioTarget> {
  const server = await startAuthlibServer();
  return {
    issuer: server.issuer,
    // The harness revokes only the token it is given, unless it is the refresh token.
    accessRevocationEndsGrant: false,
    metadataUrl: server.metadataUrl,
    resourceUrl: server.resourceUrl,
    subject: "user-1",
    scopes: ["read", "write", "offline_access", "admin"],
    clients: server.clients,
    // The consent step grants fewer scopes than asked (Authlib's code then carries only those).
    narrowing: { requested: ["read", "write"], consent: { grantScopes: ["read"] }, granted: ["read"] },
    reusedCodeDescription: 'Invalid "code" in request.',
    // Not in the server's scopes_supported: Authlib answers invalid_scope on the callback.
    refusedScope: "admin",
    authorize: (url, consent = {}) => server.authorize(url, consent),
    refreshRequests: async () => (await server.tokenRequests())["refresh_token"] ?? 0,
    close: () => server.close(),
  };
}
