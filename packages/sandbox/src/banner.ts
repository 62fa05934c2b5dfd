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

To point \`mly\` (and the apps) at this sandbox, paste into your shell:
${exportLines(sb)}

Redirect URIs: ${registered}any http://127.0.0.1:<port>/<path> or http://localhost:<port>/<path>.
Consent: ${sb.settings.autoApprove ? "auto-approve" : "page with Approve / Deny"}. Press Ctrl-C to stop.
`;
}

/**
 * The sandbox's URL and credentials as `export NAME='value'` lines a POSIX shell accepts as pasted
 * (values single-quoted: client tokens contain `|`), under the names `mly` reads.
 */
function exportLines(sb: Sandbox): string {
  const c = sb.credentials;
  const variables: [string, string][] = [
    ["MLY_SANDBOX_URL", sb.url],
    ["MAPILLARY_CLIENT_ID", c.mapillary.clientId],
    ["MAPILLARY_CLIENT_SECRET", c.mapillary.clientSecret],
    ["MAPILLARY_CLIENT_TOKEN", c.mapillary.clientToken],
    ["MAPILLARY_V2_CLIENT_ID", c.mapillaryV2.clientId],
    ["MAPILLARY_V2_CLIENT_SECRET", c.mapillaryV2.clientSecret],
    ["MAPIQ_CLIENT_ID", c.mapiq.clientId],
    ["MAPIQ_CLIENT_SECRET", c.mapiq.clientSecret],
  ];
  return variables.map(([name, value]) => `export ${name}='${value.replaceAll("'", `'"'"'`)}'`).join("\n");
}
