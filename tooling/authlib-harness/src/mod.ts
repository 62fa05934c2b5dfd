export { startAuthlibServer } from "./launch.ts";
export type { AuthlibServer } from "./launch.ts";
export { DEFAULT_AUTHLIB_LIFETIMES } from "./options.ts";
export type {
  AuthlibAuthorizeOptions,
  AuthlibClient,
  AuthlibClients,
  AuthlibLifetimes,
  AuthlibServerOptions,
  RefreshTokenPolicy,
} from "./options.ts";
export { authlibInstalled, authlibOrSkip, ciIsSet, DEBIAN_PYTHON } from "./python.ts";
