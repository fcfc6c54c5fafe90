import { PROVIDER_CATALOG, isKnownToolkit } from '../catalog';
import type { RefreshClient } from './types';

/**
 * Token endpoints of catalog toolkits whose access tokens expire: where a refresh token is
 * exchanged. A path on the provider's base URL, or on `baseUrl` when the token endpoint lives on
 * another host (GitHub's is github.com, its API api.github.com).
 */
const BUILT_IN: Readonly<Record<string, { path: string; baseUrl?: string }>> = {
  // https://developers.google.com/identity/protocols/oauth2/web-server#offline
  google: { path: '/token' },
  // GitHub App user tokens expire after 8 hours (docs.github.com: refreshing-user-access-tokens)
  github: { baseUrl: 'https://github.com', path: '/login/oauth/access_token' },
};

/**
 * The URL a refresh goes to: the auth config's token_endpoint when it names one, else the
 * catalog's. An overridden API base (`baseUrls[slug]`, a test server or a proxy) takes the token
 * endpoint with it; `baseUrls['<slug>.token']` overrides the token endpoint's base alone.
 */
export function tokenEndpointOf(toolkit: string, client: Pick<RefreshClient, 'tokenEndpoint'>, baseUrls: Partial<Record<string, string>> = {}): string | undefined {
  if (client.tokenEndpoint) return client.tokenEndpoint;
  if (!isKnownToolkit(toolkit)) return undefined;
  const entry = PROVIDER_CATALOG[toolkit];
  const builtIn = BUILT_IN[toolkit] ?? (entry?.tokenEndpointPath ? { path: entry.tokenEndpointPath } : undefined);
  if (!entry || !builtIn) return undefined;
  const base = baseUrls[`${toolkit}.token`] ?? baseUrls[toolkit] ?? builtIn.baseUrl ?? entry.defaultBaseUrl;
  return base ? `${base.replace(/\/+$/, '')}${builtIn.path}` : undefined;
}

/** Whether connections of this toolkit can be refreshed without a token_endpoint on the auth config. */
export function hasBuiltInTokenEndpoint(toolkit: string): boolean {
  return tokenEndpointOf(toolkit, {}) !== undefined;
}
