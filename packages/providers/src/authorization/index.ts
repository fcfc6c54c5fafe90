export {
  discoverServerMetadata,
  exchangeAuthorizationCode,
  fetchSubject,
  pushAuthorizationRequest,
  type AuthorizationCallOptions,
  type AuthorizationClient,
  type AuthorizationFailure,
  type CodeExchangeOutcome,
  type ServerMetadata,
} from './authorization-code';
export { catalogAuthorizationOf, type CatalogAuthorization } from './catalog-authorization';
