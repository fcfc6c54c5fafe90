export { createRefresher, type Refresher, type RefresherOptions } from './refresher';
export { hasBuiltInTokenEndpoint, tokenEndpointOf } from './token-endpoint';
export { TOKEN_ENDPOINT_AUTH_METHODS, type HeldSlot, type RefreshClient, type RefreshOptions, type RefreshOutcome, type RefreshRequest, type TokenEndpointAuthMethod } from './types';
