import type Provider from "oidc-provider";

import type { TokenInfo } from "./options.ts";

interface StoredToken {
  readonly kind: string;
  readonly clientId?: string;
  readonly accountId?: string;
  readonly scope?: string;
  readonly exp?: number;
  readonly consumed?: unknown;
  isExpired: boolean;
  destroy(): Promise<void>;
}

async function findToken(provider: Provider, value: string): Promise<StoredToken | undefined> {
  const options = { ignoreExpiration: true };
  const found =
    (await provider.AccessToken.find(value, options)) ??
    (await provider.ClientCredentials.find(value, options)) ??
    (await provider.RefreshToken.find(value, options));
  return found as StoredToken | undefined;
}

/** Reads a token (access, client-credentials or refresh) from the server's store. */
export async function inspectToken(provider: Provider, value: string): Promise<TokenInfo | undefined> {
  const token = await findToken(provider, value);
  if (token === undefined) return undefined;
  const kind = token.kind as TokenInfo["kind"];
  return {
    kind,
    clientId: token.clientId ?? "",
    ...(token.accountId === undefined ? {} : { accountId: token.accountId }),
    ...(token.scope === undefined ? {} : { scope: token.scope }),
    exp: token.exp ?? 0,
    expired: token.isExpired,
    ...(kind === "RefreshToken" ? { consumed: token.consumed !== undefined } : {}),
  };
}

/** Deletes a token from the store, as a server-side revocation would; `false` if it was unknown. */
export async function revokeToken(provider: Provider, value: string): Promise<boolean> {
  const token = await findToken(provider, value);
  if (token === undefined) return false;
  await token.destroy();
  return true;
}
