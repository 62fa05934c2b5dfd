import { randomToken } from "../random.ts";
import type { SandboxState } from "../state.ts";

/** A v4 token response body. */
export interface MapillaryTokenResponse {
  access_token: string;
  expires_in: number;
  token_type: "bearer";
  refresh_token?: string;
}

/** Issues a v4 user access token (plus a refresh token when `mapillaryRefreshTokens` is on). */
export function issueMapillaryTokens(state: SandboxState, clientId: string, scopes: readonly string[]): MapillaryTokenResponse {
  const now = state.now();
  const lifetime = state.settings.mapillaryTokenLifetimeSeconds;
  const access = `MLYAR${randomToken(40)}`;
  state.tokens.add({ value: access, api: "mapillary", kind: "user", clientId, scopes, issuedAt: now, expiresAt: now + lifetime * 1000 });
  const body: MapillaryTokenResponse = { access_token: access, expires_in: Math.floor(lifetime), token_type: "bearer" };
  if (state.settings.mapillaryRefreshTokens) {
    const refresh = `MLYRR${randomToken(40)}`;
    state.tokens.add({ value: refresh, api: "mapillary", kind: "refresh", clientId, scopes, issuedAt: now, expiresAt: null });
    body.refresh_token = refresh;
  }
  return body;
}
