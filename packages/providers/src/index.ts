export type {
  ApiKeyCredential,
  ClientConfig,
  Credential,
  OAuthCredential,
  ProviderCatalogEntry,
  RateLimiter,
  SlotTicket,
  RevocationStyle,
  RevokeRequest,
  RevokeResult,
  Revoker,
  RevokerOptions,
  TokenKind,
} from './types';
export {
  authConfigParametersOf,
  catalogEntries,
  catalogEntryFor,
  endpointTemplatesOf,
  isKnownToolkit,
  parametersOf,
  providerKeyOf,
  rateKeysOf,
  revocationOf,
  revokesUpstream,
  tokenEndpointAuthOf,
  tokenEndpointOf,
  toolkitEntry,
  type ClientAuthMethod,
  type SupportedRevocation,
  type TokenFacts,
} from './catalog';
export { fillEndpoint, placeholderValueProblem, placeholdersOf } from './catalog/endpoints';
export { classifyNetworkError, classifyResponse, MAX_RETRY_AFTER_MS, parseRetryAfter, type Classification, type ClassifyContext, type ProviderResponse, type TransientCode } from './classify';
export { classifyAddress, EgressDeniedError, egressRefusalOf, isAllowedHost, vetDestination, type AddressClass, type EgressPolicy, type Resolver } from './egress';
export { createRevoker } from './revoker';
export { sendHttp, MAX_BODY_BYTES, type HttpCall, type HttpOptions } from './http';
export { sanitizeMessage } from './sanitize';
export { createPostgresRateLimiter, type PostgresRateLimiterOptions } from './postgres-rate-limiter';
export * from './refresh';
export * from './authorization';
