/** The sandbox URLs, named like the fields the auth-core provider profile factories take. */
export interface SandboxEndpoints {
  mapillary: { authorizationEndpoint: string; tokenEndpoint: string; apiBaseUrl: string; tilesBaseUrl: string };
  mapillaryV2: { authorizationEndpoint: string; tokenEndpoint: string; apiBaseUrl: string };
  mapiq: { tokenEndpoint: string; apiBaseUrl: string };
}

/** The endpoints of a sandbox listening at `base` (no trailing slash). */
export function endpointsFor(base: string): SandboxEndpoints {
  return {
    mapillary: {
      authorizationEndpoint: `${base}/mapillary/connect`,
      tokenEndpoint: `${base}/mapillary/graph/token`,
      apiBaseUrl: `${base}/mapillary/graph`,
      tilesBaseUrl: `${base}/mapillary/tiles`,
    },
    mapillaryV2: {
      authorizationEndpoint: `${base}/mapillary-v2/connect`,
      tokenEndpoint: `${base}/mapillary-v2/v2/oauth/token`,
      apiBaseUrl: `${base}/mapillary-v2`,
    },
    mapiq: {
      tokenEndpoint: `${base}/mapiq/account/api/public/oauth2/token`,
      apiBaseUrl: `${base}/mapiq/api`,
    },
  };
}
