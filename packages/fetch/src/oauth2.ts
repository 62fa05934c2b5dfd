/**
 * `@mly/fetch/oauth2`: the I/O half of mly's generic OAuth 2.0 support, for the servers teams
 * bring: RFC 8414 / OpenID discovery into an `oauth2Profile` ({@link discoverProfile}) and
 * RFC 7009 revocation ({@link revokeToken}). A subpath, so `@mly/fetch` stays small for
 * Mapillary and Mapiq users.
 *
 * @example
 * ```ts
 * import { discoverProfile, revokeToken } from "@mly/fetch/oauth2";
 *
 * const profile = await discoverProfile("https://auth.example.com");
 * await revokeToken(profile, { clientId: "my-app", clientSecret: process.env["CLIENT_SECRET"] }, "a-refresh-token", { tokenTypeHint: "refresh_token" });
 * ```
 *
 * @module
 */
export { discoverMetadata, discoverProfile, type DiscoverOptions, type DiscoverProfileOptions } from "./discover_profile.ts";
export { revokeToken, type RevokeTokenOptions } from "./revoke_token.ts";
