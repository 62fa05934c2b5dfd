export { startOidcServer } from "./server.ts";
export type { OidcServer } from "./server.ts";
export { DEFAULT_LIFETIMES } from "./options.ts";
export type {
  AuthorizeOptions,
  HarnessClient,
  HarnessClients,
  OidcServerOptions,
  TokenInfo,
  TokenLifetimes,
} from "./options.ts";
export { createPkcePair } from "./pkce.ts";
export type { PkcePair } from "./pkce.ts";
export { CookieJar } from "./cookie_jar.ts";
