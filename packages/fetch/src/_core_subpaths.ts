/**
 * What the subpath entries (`@mly/fetch/oauth2`, `@mly/fetch/tokens`) use from
 * `@mly/auth-core`, in one place like `_core.ts`, so the main entry's barrel (and its size
 * budget) does not grow with them.
 *
 * @module
 */
export {
  AbortedError,
  ConfigError,
  GraphApiError,
  HttpError,
  InvalidResponseError,
  InvalidTokenError,
  LoginRequiredError,
  MapillaryV2Error,
  MapiqApiError,
  TransportError,
  clientTokenSet,
  createClient,
  discoveryRequest,
  parseErrorResponse,
  placeCredential,
  processDiscoveryResponse,
  processRevocationResponse,
  profileFromMetadata,
  revocationRequest,
  systemClock,
  toSecret,
} from "@mly/auth-core";
export type {
  AuthorizationServerMetadata,
  ClientCredentialsInput,
  Clock,
  DiscoveredProfileOptions,
  DiscoveryDocument,
  HttpTransport,
  OAuthClient,
  ProviderProfile,
  Secret,
  TokenKind,
  TokenSet,
  TokenStore,
  TokenTypeHint,
} from "@mly/auth-core";
