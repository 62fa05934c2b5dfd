import type { OAuthClient, ProviderProfile, TokenSet } from "@mly/auth-core";
import { validateToken } from "@mly/fetch/tokens";
import { describeError } from "./describe_error.ts";
import type { ProfileUser } from "./profile_book.ts";

/**
 * The user behind a fresh login's token, asked once with the provider's "me" call
 * (`validateToken`), so `mly status` can show it later without a request. `undefined` when the
 * call fails (`onFailure` is told why): the login itself succeeded and is kept. Generic
 * OAuth 2.0 servers have no such call: `undefined` without a request.
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
export async function loginUser(
  profile: ProviderProfile,
  tokens: TokenSet,
  client: OAuthClient,
  options: { signal?: AbortSignal; onFailure?: (message: string) => void } = {},
): Promise<ProfileUser | undefined> {
  if (profile.id !== "mapillary" && profile.id !== "mapillary-v2") return undefined;
  try {
    const info = await validateToken(profile, tokens.accessToken, { client, kind: "user", ...(options.signal === undefined ? {} : { signal: options.signal }) });
    return info.user;
  } catch (error) {
    options.onFailure?.(describeError(error).message);
    return undefined;
  }
}
