import { tokenEndpointOf as catalogTokenEndpointOf } from '../catalog';
import type { ClientConfig } from '../types';

/**
 * The URL a refresh goes to: the auth config's token_endpoint when it names one, else the
 * catalog's (packages/providers/catalog/<slug>.json; `baseUrls[slug]` or `baseUrls['<slug>.token']`
 * moves it onto a test server or a proxy). The revoker's refresh-to-revoke and the refresh client
 * both read it.
 */
export function tokenEndpointOf(toolkit: string, client: ClientConfig, baseUrls: Partial<Record<string, string>> = {}): string | undefined {
  return catalogTokenEndpointOf(toolkit, client, baseUrls);
}

/** Whether connections of this toolkit can be refreshed without a token_endpoint on the auth config. */
export function hasBuiltInTokenEndpoint(toolkit: string): boolean {
  return tokenEndpointOf(toolkit, {}) !== undefined;
}
