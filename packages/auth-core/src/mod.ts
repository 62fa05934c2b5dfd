/**
 * `@mly/auth-core`: the pure, sans-I/O OAuth 2.0 core of mly for the Mapillary API v4, the
 * legacy Mapillary API v2 and the Mapiq API. Functions build request descriptions and validate
 * responses; adapters (`@mly/fetch`, `@mly/storage`, `@mly/ratelimit`) do the I/O through the
 * ports defined here.
 *
 * @example
 * ```ts
 * import { buildAuthorizationUrl, createClient, mapillary } from "@mly/auth-core";
 *
 * const client = createClient({ clientId: "1234", clientSecret: "MLY|1234|…" });
 * const { url, pending } = await buildAuthorizationUrl(mapillary, client, { redirectUri: "http://127.0.0.1:8765/callback" });
 * ```
 *
 * Other entries: `@mly/auth-core/orchestration` (the refresh coordinator, the token renewer, the
 * in-memory store, `renewDue`), `@mly/auth-core/rate-limit` (rate-limit keys and throttle
 * signals), the profiles one by one (`/mapillary`, `/mapillary-v2`, `/mapiq`, `/oauth2`) and
 * `@mly/auth-core/testing`.
 *
 * @module
 */
export { REDACTED, Secret, toSecret } from "./secret.ts";
export { preciseClock, systemClock, type Clock, type TimerHandle } from "./clock.ts";
export { delay, type DelayOptions } from "./delay.ts";
export { abortable } from "./abortable.ts";
export { deadline, type DeadlineOptions } from "./deadline.ts";
export { deadlineSignal, type DeadlineSignal, type DeadlineSignalOptions } from "./deadline_signal.ts";
export {
  AbortedError,
  AuthorizationError,
  BackendUnavailableError,
  ConfigError,
  GRAPH_THROTTLE_CODES,
  GraphApiError,
  HttpError,
  InvalidCallbackError,
  InvalidResponseError,
  InvalidTokenError,
  isMlyError,
  LockTimeoutError,
  LoginRequiredError,
  MapillaryV2Error,
  MapiqApiError,
  MlyError,
  OAuthError,
  QueueFullError,
  RateLimitedError,
  ScopeNotGrantedError,
  StateMismatchError,
  StorageError,
  TokenNotYetValidError,
  TransportError,
  UnknownScopeError,
  VersionConflictError,
  type InvalidTokenReason,
  type MlyErrorCode,
  type MlyErrorOptions,
  type RateLimitSource,
  type StorageErrorOptions,
  type StorageErrorReason,
} from "./errors.ts";
export {
  getHeader,
  HttpRequestDescription,
  readResponse,
  type HttpMethod,
  type HttpResponseData,
} from "./http.ts";
export { DEFAULT_MAX_BODY_BYTES, readBoundedText, type BoundedReadOptions } from "./bounded_body.ts";
export {
  assertScopesGranted,
  checkScopes,
  formatScopes,
  MAPILLARY_SCOPES,
  MAPILLARY_V2_SCOPES,
  MAPIQ_SCOPES,
  missingScopes,
  parseScopes,
  type MapillaryScope,
  type MapillaryV2Scope,
  type MapiqScope,
} from "./scopes.ts";
export {
  supportsGrant,
  type EndpointOverrides,
  type ErrorShape,
  type GrantType,
  type ProviderProfile,
  type RateLimitPolicy,
  type RouteLimit,
  type RouteTemplate,
  type TokenEndpointAuth,
  type TokenPlacement,
} from "./profile.ts";
export { mapillary, mapillaryProfile, MAPILLARY_TILE_LAYERS, type MapillaryTileLayer } from "./mapillary.ts";
export { mapillaryV2, mapillaryV2Profile } from "./mapillary_v2.ts";
export { mapiq, mapiqProfile } from "./mapiq.ts";
export { oauth2Profile, type OAuth2ProfileOptions } from "./oauth2.ts";
export {
  clientTokenSet,
  isUsable,
  needsRefresh,
  refreshMargin,
  type RefreshPolicy,
  type TokenKind,
  type TokenSet,
} from "./token_set.ts";
export { parseTokenResponse, type TokenResponseContext } from "./token_response.ts";
export {
  parseTokenSet,
  serializeTokenSet,
  TOKEN_FORMAT_VERSION,
  tokenSetFromJSON,
  tokenSetToJSON,
  type TokenSetJSON,
} from "./serialize.ts";
export { formatTokenKey, parseTokenKey, type TokenKey } from "./token_key.ts";
export { createClient, type ClientCredentialsInput, type OAuthClient } from "./client.ts";
export { createPkce, pkceChallenge, randomState, type Pkce } from "./pkce.ts";
export { checkRedirectUri } from "./redirect_uri.ts";
export {
  buildAuthorizationUrl,
  parsePendingAuthorization,
  serializePendingAuthorization,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  type PendingAuthorization,
} from "./authorization_request.ts";
export {
  validateCallback,
  ValidatedCallback,
  type ValidateCallbackOptions,
} from "./callback.ts";
export { processTokenResponse, type TokenRequest } from "./token_request.ts";
export { buildCodeExchange } from "./code_exchange.ts";
export { buildRefresh, type RefreshOptions } from "./refresh.ts";
export { buildClientCredentials, type ClientCredentialsOptions } from "./client_credentials.ts";
export {
  buildLegacyImplicitUrl,
  validateLegacyImplicitCallback,
  type LegacyImplicitOptions,
} from "./implicit.ts";
export {
  authorizationHeaderValue,
  authorizeRequest,
  placeCredential,
  tileUrlTemplate,
  type ApiRequest,
  type AuthorizedRequest,
  type AuthorizeOptions,
  type PlacedCredential,
} from "./credential_placement.ts";
export { parseErrorResponse, type ParseErrorOptions } from "./api_error.ts";
export { classifyApiResponse, responseBodyMatters, type ApiResponseVerdict, type ClassifyApiResponseOptions } from "./api_response.ts";
export {
  type AcquireOptions,
  type CompareAndSetOptions,
  type HttpTransport,
  type LockOptions,
  type PermitOutcome,
  type RateLimiter,
  type RateLimitPermit,
  type StoredToken,
  type TokenLock,
  type TokenStore,
  type TransportOptions,
} from "./ports.ts";
export {
  emitEvent,
  errorFields,
  type LimiterPauseEvent,
  type LimiterWaitEvent,
  type MlyEvent,
  type MlyEventListener,
  type RefreshFailureEvent,
  type RefreshStartEvent,
  type RefreshSuccessEvent,
  type RequestEvent,
  type StoreErrorEvent,
  type ThrottleSeenEvent,
} from "./telemetry.ts";
export { discoveryRequest, processDiscoveryResponse, type AuthorizationServerMetadata, type DiscoveryDocument } from "./discovery.ts";
export { profileFromMetadata, type DiscoveredProfileOptions } from "./discovered_profile.ts";
export { processRevocationResponse, revocationRequest, type RevocationOptions, type TokenTypeHint } from "./revocation.ts";
