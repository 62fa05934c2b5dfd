import type { OAuthClient, ProviderProfile, TokenSet } from "@mly/auth-core";
import { validateToken } from "@mly/fetch/tokens";
import type { ProfileUser } from "./profile_book.ts";

/**
 * The user behind a fresh login's token, asked once with the provider's "me" call
 * (`validateToken`), so `mly status` can show it later without a request. `undefined` when the
 * call fails: the login itself succeeded and is kept.
 *
 * @example
 * ```ts
 * import { createClient, mapillary, type TokenSet } from "@mly/auth-core";
 * import { loginUser } from "./login_user.ts";
 *
 * declare const tokens: TokenSet;
 * const user = await loginUser(mapillary, tokens, createClient({ clientId: "1234" }));
 * ```
 */
export async function loginUser(profile: ProviderProfile, tokens: TokenSet, client: OAuthClient, signal?: AbortSignal): Promise<ProfileUser | undefined> {
  try {
    const info = await validateToken(profile, tokens.accessToken, { client, kind: "user", ...(signal === undefined ? {} : { signal }) });
    return info.user;
  } catch {
    return undefined;
  }
}
