import { catalogEntryFor } from '../catalog';
import type { ProviderCatalogEntry } from '../types';
import type { RefreshClient } from './types';

/**
 * A catalog toolkit's token endpoint (where a refresh token is exchanged): a path on the
 * provider's base URL, or on the entry's own base when it lives on another host (GitHub's is
 * github.com, its API api.github.com). An overridden API base (`baseUrls[slug]`, a test server
 * or a proxy) takes the token endpoint with it; `baseUrls['<slug>.token']` overrides the token
 * endpoint's base alone. The revoker's refresh-to-revoke and the refresh client both read it.
 */
export function catalogTokenEndpoint(entry: ProviderCatalogEntry, baseUrls: Partial<Record<string, string>> = {}): string | undefined {
  const endpoint = entry.tokenEndpoint;
  if (!endpoint) return undefined;
  const base = baseUrls[`${entry.slug}.token`] ?? baseUrls[entry.slug] ?? endpoint.baseUrl ?? entry.defaultBaseUrl;
  return base ? `${base.replace(/\/+$/, '')}${endpoint.path}` : undefined;
}

/** The URL a refresh goes to: the auth config's token_endpoint when it names one, else the catalog's. */
export function tokenEndpointOf(toolkit: string, client: Pick<RefreshClient, 'tokenEndpoint' | 'revocationEndpoint'>, baseUrls: Partial<Record<string, string>> = {}): string | undefined {
  if (client.tokenEndpoint) return client.tokenEndpoint;
  const entry = catalogEntryFor(toolkit, client);
  return entry ? catalogTokenEndpoint(entry, baseUrls) : undefined;
}

/** Whether connections of this toolkit can be refreshed without a token_endpoint on the auth config. */
export function hasBuiltInTokenEndpoint(toolkit: string): boolean {
  return tokenEndpointOf(toolkit, {}) !== undefined;
}
