/**
 * Everything this package uses from `@mly/auth-core`, imported in one place, so a bundle carries
 * one import of the core instead of one per module.
 *
 * @module
 */
export {
  AbortedError,
  InvalidResponseError,
  LoginRequiredError,
  MemoryTokenStore,
  MlyError,
  RateLimitedError,
  RefreshCoordinator,
  TransportError,
  buildAuthorizationUrl,
  buildClientCredentials,
  buildCodeExchange,
  buildRefresh,
  clientTokenSet,
  createClient,
  createTokenRenewer,
  delay,
  detectRateLimit,
  formatTokenKey,
  placeCredential,
  processTokenResponse,
  rateLimitKeys,
  systemClock,
  validateCallback,
} from "@mly/auth-core";
export type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  ClientCredentialsInput,
  Clock,
  HttpRequestDescription,
  HttpResponseData,
  HttpTransport,
  OAuthClient,
  PendingAuthorization,
  ProviderProfile,
  RateLimitPermit,
  RateLimiter,
  RefreshPolicy,
  Secret,
  TokenSet,
  TokenStore,
  TransportOptions,
  ValidateCallbackOptions,
} from "@mly/auth-core";
