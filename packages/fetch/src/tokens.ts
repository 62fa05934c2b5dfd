/**
 * `@mly/fetch/tokens`: bring your own token. {@link validateToken} checks a token obtained
 * elsewhere with one cheap call and says whose it is (or why it is refused);
 * {@link importToken} stores it as a `TokenSet`, so `createApiClient` and the refresh
 * coordinator use and renew it like a token from a login.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { validateToken } from "@mly/fetch/tokens";
 *
 * const { user } = await validateToken(mapillary, process.env["MAPILLARY_TOKEN"] ?? "");
 * console.log(user?.username);
 * ```
 *
 * @module
 */
export { validateToken, type TokenInfo, type ValidateTokenOptions } from "./validate_token.ts";
export { importToken, type ImportedToken, type ImportTokenOptions } from "./import_token.ts";
