import type { Sandbox } from "./sandbox.ts";

/**
 * The startup text of the CLI: URLs and the sandbox's OWN demo credentials (printed on purpose,
 * they are meaningless outside this process).
 */
export function banner(sb: Sandbox, redirectUris: readonly string[] = []): string {
  const e = sb.endpoints;
  const c = sb.credentials;
  // The dashboard's "Authentication URL" (seed 001): only client_id; needs a registered callback.
  const authenticationUrl = redirectUris.length === 0 ? "" : `\n  authenticationUrl      ${e.mapillary.authorizationEndpoint}?client_id=${c.mapillary.clientId}`;
  const refresh = sb.settings.mapillaryRefreshTokens
    ? "separate single-use refresh_token (seed 001)"
    : "the still-valid access token (official API docs)";
  const registered = redirectUris.length === 0 ? "" : `${redirectUris.join(", ")}, or `;
  return `@mly/sandbox listening on ${sb.url}

Mapillary v4
  authorizationEndpoint  ${e.mapillary.authorizationEndpoint}
  tokenEndpoint          ${e.mapillary.tokenEndpoint}
  apiBaseUrl             ${e.mapillary.apiBaseUrl}
  tilesBaseUrl           ${e.mapillary.tilesBaseUrl}
  clientId               ${c.mapillary.clientId}
  clientSecret           ${c.mapillary.clientSecret}
  clientToken            ${c.mapillary.clientToken}${authenticationUrl}
  refresh with           ${refresh}

Mapillary v2 (legacy)
  authorizationEndpoint  ${e.mapillaryV2.authorizationEndpoint}
  tokenEndpoint          ${e.mapillaryV2.tokenEndpoint}
  apiBaseUrl             ${e.mapillaryV2.apiBaseUrl}
  clientId               ${c.mapillaryV2.clientId}
  clientSecret           ${c.mapillaryV2.clientSecret}

Mapiq
  tokenEndpoint          ${e.mapiq.tokenEndpoint}
  apiBaseUrl             ${e.mapiq.apiBaseUrl}
  clientId               ${c.mapiq.clientId}
  clientSecret           ${c.mapiq.clientSecret}

Redirect URIs: ${registered}any http://127.0.0.1:<port>/<path> or http://localhost:<port>/<path>.
Consent: ${sb.settings.autoApprove ? "auto-approve" : "page with Approve / Deny"}. Press Ctrl-C to stop.
`;
}
